import { useState } from 'react';
import { Alert, Button, Modal, Typography } from 'antd';
import { CopyOutlined, CheckOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';

/** Shows a secret exactly once, with a copy button; closing forgets it. */
export default function SecretReveal({ secret, title, text, onClose }: { secret: string | null; title: string; text: string; onClose: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret);
    } catch {
      const ta = document.createElement('textarea');
      ta.value = secret;
      document.body.appendChild(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    setCopied(true);
  };
  return (
    <Modal
      open={!!secret}
      title={title}
      closable={false}
      maskClosable={false}
      keyboard={false}
      onCancel={() => {
        setCopied(false);
        onClose();
      }}
      footer={[
        <Button key="ok" type="primary" onClick={() => { setCopied(false); onClose(); }}>
          {t('apiKeys.saved')}
        </Button>,
      ]}
    >
      <Alert type="warning" showIcon message={text} style={{ marginBottom: 12 }} />
      <div className="secret-box" data-testid="secret">{secret}</div>
      <Button style={{ marginTop: 12 }} icon={copied ? <CheckOutlined /> : <CopyOutlined />} onClick={copy}>
        {copied ? t('common.copied') : t('common.copy')}
      </Button>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }} />
    </Modal>
  );
}
