//! Mail templates, in zh-CN and en, as plain text and HTML.
//!
//! Every template is a [`Body`]: a subject, a few paragraphs and an optional call to action.
//! One layout turns a body into both the text part and the HTML part, so the two never
//! disagree, and the HTML layout escapes every value it interpolates. The templates are
//! pure: everything they show arrives in the message or in [`Facts`].

use crate::outbox::Message;
use chrono::{DateTime, Utc};

/// The language of a mail: Chinese for `zh*` locales, English otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn of(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("zh") { Lang::Zh } else { Lang::En }
    }

    fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    fn pick(self, zh: impl Into<String>, en: impl Into<String>) -> String {
        match self {
            Lang::Zh => zh.into(),
            Lang::En => en.into(),
        }
    }
}

/// What a template may show besides the message itself, looked up at delivery time.
#[derive(Debug, Clone)]
pub struct Facts {
    pub public_url: String,
    pub tenant_name: String,
    pub timezone: chrono_tz::Tz,
    /// The recipient's display name.
    pub name: String,
    /// For top-up results: the masked number and the amount.
    pub topup: Option<(String, String)>,
    /// Whether the recipient may switch this kind of mail off (adds a footer saying how).
    pub optional: bool,
}

/// A rendered mail.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

struct Body {
    subject: String,
    paragraphs: Vec<String>,
    action: Option<(String, String)>,
}

fn yuan(amount: &str) -> String {
    format!("¥{amount}")
}

fn when(at: &DateTime<Utc>, facts: &Facts) -> String {
    at.with_timezone(&facts.timezone).format("%Y-%m-%d %H:%M").to_string()
}

fn link(facts: &Facts, path: &str) -> String {
    format!("{}{path}", facts.public_url.trim_end_matches('/'))
}

/// Renders a message for one recipient.
pub fn render(message: &Message, lang: Lang, facts: &Facts) -> Rendered {
    let body = body(message, lang, facts);
    layout(body, lang, facts)
}

fn body(message: &Message, l: Lang, f: &Facts) -> Body {
    match message {
        Message::Invitation { token, expires_at, .. } => Body {
            subject: l.pick(format!("{} 邀请您加入 creditloop", f.tenant_name), format!("{} invites you to creditloop", f.tenant_name)),
            paragraphs: vec![
                l.pick(
                    format!("{} 邀请您使用 creditloop 管理话费额度。请点击下方链接设置密码。", f.tenant_name),
                    format!("{} has invited you to manage mobile credit with creditloop. Follow the link below to set your password.", f.tenant_name),
                ),
                l.pick(format!("链接在 {} 前有效，仅能使用一次。", when(expires_at, f)), format!("The link works once and until {}.", when(expires_at, f))),
            ],
            action: Some((l.pick("接受邀请", "Accept the invitation"), link(f, &format!("/invite/{token}")))),
        },
        Message::OneTimeCode { phone, code, .. } => Body {
            subject: l.pick("您的话费充值验证码", "Your top-up verification code"),
            paragraphs: vec![
                l.pick(format!("为号码 {phone} 充值的验证码是：{code}"), format!("Your code for topping up {phone} is: {code}")),
                l.pick(
                    "验证码 10 分钟内有效。如果不是您本人操作，请忽略此邮件并联系管理员。",
                    "It is valid for 10 minutes. If you did not ask for it, ignore this mail and tell your administrator.",
                ),
            ],
            action: None,
        },
        Message::ApprovalRequested { face_value, requested_by, .. } => Body {
            subject: l.pick(format!("待审批：采购 {}", yuan(face_value)), format!("Approval needed: purchase of {}", yuan(face_value))),
            paragraphs: vec![l.pick(
                format!("{requested_by} 申请采购面值 {} 的话费额度，等待财务审批。", yuan(face_value)),
                format!("{requested_by} asked to buy {} of credit. It waits for a finance decision.", yuan(face_value)),
            )],
            action: Some((l.pick("查看采购单", "Open purchases"), link(f, "/purchasing/purchases"))),
        },
        Message::ReviewNeeded { kind, reason, .. } => Body {
            subject: l.pick("有新的待复核事项", "An item waits for review"),
            paragraphs: vec![l.pick(format!("一笔{}需要复核。原因：{reason}", review_kind_zh(kind)), format!("A {kind} needs review. Reason: {reason}"))],
            action: Some((l.pick("打开复核队列", "Open the review queue"), link(f, "/finance/reviews"))),
        },
        Message::TopupResult { status, .. } => topup_result(status, l, f),
        Message::DisputeUpdate { status, .. } => Body {
            subject: l.pick(format!("您的申诉状态：{}", dispute_status_zh(status)), format!("Your dispute: {}", dispute_status_en(status))),
            paragraphs: vec![l.pick(
                format!("您提交的充值申诉现在的状态是“{}”。", dispute_status_zh(status)),
                format!("The dispute you opened on a top-up is now {}.", dispute_status_en(status)),
            )],
            action: Some((l.pick("查看申诉", "See your disputes"), link(f, "/me/disputes"))),
        },
        Message::CreditReceived { amount, expires_at, .. } => Body {
            subject: l.pick(format!("您收到 {} 话费额度", yuan(amount)), format!("You received {} of credit", yuan(amount))),
            paragraphs: vec![l.pick(
                format!("{} 向您的钱包发放了 {}，有效期至 {}。", f.tenant_name, yuan(amount), when(expires_at, f)),
                format!("{} added {} to your wallet. It can be used until {}.", f.tenant_name, yuan(amount), when(expires_at, f)),
            )],
            action: Some((l.pick("查看钱包", "Open your wallet"), link(f, "/me/wallet"))),
        },
        Message::ExpiringSoon { amount, expires_at, .. } => Body {
            subject: l.pick(format!("{} 话费额度即将过期", yuan(amount)), format!("{} of your credit expires soon", yuan(amount))),
            paragraphs: vec![l.pick(
                format!("您钱包中的 {} 将于 {} 过期，过期后将收回。请尽快使用。", yuan(amount), when(expires_at, f)),
                format!("{} in your wallet expires on {} and then returns to the company. Use it before then.", yuan(amount), when(expires_at, f)),
            )],
            action: Some((l.pick("去充值", "Top up now"), link(f, "/me/topup"))),
        },
        Message::RecycleSettled { net, voucher_no, .. } => Body {
            subject: l.pick(format!("回收已结算：{}", yuan(net)), format!("Recycle settled: {}", yuan(net))),
            paragraphs: vec![l.pick(
                format!("一笔话费回收已结算，净额 {} 已计入资金账户。凭证号：{}。", yuan(net), voucher_no.as_deref().unwrap_or("—")),
                format!("A recycle settled; the net {} was credited to the funding account. Voucher: {}.", yuan(net), voucher_no.as_deref().unwrap_or("—")),
            )],
            action: Some((l.pick("查看回收", "Open recycles"), link(f, "/purchasing/recycles"))),
        },
        Message::CashoutPaid { amount, .. } => Body {
            subject: l.pick(format!("提现已支付：{}", yuan(amount)), format!("Cash-out paid: {}", yuan(amount))),
            paragraphs: vec![l.pick(format!("您的提现 {} 已由财务支付。", yuan(amount)), format!("Finance has paid your cash-out of {}.", yuan(amount)))],
            action: Some((l.pick("查看提现", "See your cash-outs"), link(f, "/me/cashout"))),
        },
        Message::LowPoolBalance { balance, threshold } => Body {
            subject: l.pick(format!("额度池余额不足：{}", yuan(balance)), format!("Low pool balance: {}", yuan(balance))),
            paragraphs: vec![l.pick(
                format!("额度池余额 {} 已低于提醒阈值 {}。请及时采购话费额度，以免发放失败。", yuan(balance), yuan(threshold)),
                format!("The credit pool holds {}, below the alert threshold of {}. Buy credit so that grants do not fail.", yuan(balance), yuan(threshold)),
            )],
            action: Some((l.pick("采购额度", "Buy credit"), link(f, "/purchasing/purchases"))),
        },
        Message::ExportReady { name, .. } => Body {
            subject: l.pick(format!("导出已就绪：{name}"), format!("Export ready: {name}")),
            paragraphs: vec![l.pick(format!("您申请的导出“{name}”已生成，可以下载。"), format!("The export “{name}” you asked for is ready to download."))],
            action: Some((l.pick("下载导出", "Download"), link(f, "/finance/exports"))),
        },
        Message::SecurityAlert { event, detail, .. } => Body {
            subject: l.pick(format!("账户安全提醒：{event}"), format!("Security notice: {event}")),
            paragraphs: vec![
                l.pick(format!("您的账户发生了以下变更：{event}。{detail}"), format!("This happened on your account: {event}. {detail}")),
                l.pick("如果这不是您本人的操作，请立即修改密码并联系管理员。", "If this was not you, change your password now and tell your administrator."),
            ],
            action: Some((l.pick("修改密码", "Change password"), link(f, "/account/password"))),
        },
    }
}

fn topup_result(status: &str, l: Lang, f: &Facts) -> Body {
    let (phone, amount) = f.topup.clone().unwrap_or_else(|| ("—".into(), "—".into()));
    let ok = status == "SUCCEEDED";
    let (subject, paragraph) = if ok {
        (
            l.pick(format!("充值成功：{phone} {}", yuan(&amount)), format!("Top-up delivered: {} to {phone}", yuan(&amount))),
            l.pick(format!("为 {phone} 充值的 {} 已到账。", yuan(&amount)), format!("{} reached {phone}.", yuan(&amount))),
        )
    } else {
        (
            l.pick(format!("充值失败：{phone} {}", yuan(&amount)), format!("Top-up failed: {} to {phone}", yuan(&amount))),
            l.pick(
                format!("为 {phone} 充值的 {} 未能完成，额度已退回您的钱包。", yuan(&amount)),
                format!("{} to {phone} could not be delivered; the credit is back in your wallet.", yuan(&amount)),
            ),
        )
    };
    Body { subject, paragraphs: vec![paragraph], action: Some((l.pick("查看充值记录", "See your top-ups"), link(f, "/me/topup"))) }
}

fn review_kind_zh(kind: &str) -> &'static str {
    match kind {
        "topup" => "充值",
        "recycle" => "回收",
        "cashout" => "提现",
        _ => "业务",
    }
}

fn dispute_status_zh(status: &str) -> &'static str {
    match status {
        "OPEN" => "处理中",
        "REFUNDED" => "已退款",
        "REJECTED" => "已驳回",
        _ => "已更新",
    }
}

fn dispute_status_en(status: &str) -> &'static str {
    match status {
        "OPEN" => "open",
        "REFUNDED" => "refunded",
        "REJECTED" => "rejected",
        _ => "updated",
    }
}

fn layout(body: Body, l: Lang, f: &Facts) -> Rendered {
    let greeting = l.pick(format!("{}，您好：", f.name), format!("Hello {},", f.name));
    let signature = l.pick(format!("creditloop · {}", f.tenant_name), format!("creditloop · {}", f.tenant_name));
    let footer = f.optional.then(|| {
        l.pick("您可以在“通知设置”中选择接收哪些通知。", "You can choose which notifications you get in your notification settings.")
    });
    let mut text = format!("{greeting}\n\n");
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:sans-serif;line-height:1.5;color:#222\">\n<p>{}</p>\n",
        l.tag(),
        escape(&body.subject),
        escape(&greeting)
    );
    for paragraph in &body.paragraphs {
        text.push_str(paragraph);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>\n", escape(paragraph)));
    }
    if let Some((label, url)) = &body.action {
        text.push_str(&format!("{label}: {url}\n\n"));
        html.push_str(&format!("<p><a href=\"{}\">{}</a></p>\n", escape(url), escape(label)));
    }
    text.push_str(&format!("-- \n{signature}\n"));
    html.push_str(&format!("<hr><p style=\"font-size:12px;color:#666\">{}", escape(&signature)));
    if let Some(footer) = footer {
        text.push_str(&format!("{footer}\n"));
        html.push_str(&format!("<br>{}", escape(&footer)));
    }
    html.push_str("</p>\n</body></html>\n");
    Rendered { subject: body.subject, text, html }
}

/// HTML escaping for text and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use creditloop_domain::UserId;

    fn facts() -> Facts {
        Facts {
            public_url: "http://x.test/".into(),
            tenant_name: "ACME <&>".into(),
            timezone: chrono_tz::Asia::Shanghai,
            name: "Li".into(),
            topup: None,
            optional: false,
        }
    }

    #[test]
    fn invitation_links_and_escapes_in_both_languages() {
        let m = Message::Invitation {
            user_id: UserId::generate(),
            email: "a@b.test".into(),
            name: "Li".into(),
            locale: "en".into(),
            token: "inv_abc".into(),
            expires_at: Utc::now(),
        };
        let en = render(&m, Lang::En, &facts());
        assert!(en.text.contains("http://x.test/invite/inv_abc"), "{}", en.text);
        assert!(en.html.contains("ACME &lt;&amp;&gt;") && !en.html.contains("ACME <&>"));
        let zh = render(&m, Lang::Zh, &facts());
        assert!(zh.subject.contains("邀请"));
        assert!(zh.html.contains("lang=\"zh-CN\""));
    }
}
