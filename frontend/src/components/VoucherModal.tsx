import { Alert, Descriptions, Modal, Typography } from 'antd';
import { useI18n } from '../i18n';
import { useQuery } from '../api/hooks';
import { VoucherQuery } from '../api/operations';
import { DataState, DateTime } from './common';

export default function VoucherModal({ number, onClose }: { number: string | null; onClose: () => void }) {
  const { t } = useI18n();
  const q = useQuery(VoucherQuery, { number: number ?? '' }, { skip: !number });
  const v = q.data?.voucher;
  return (
    <Modal open={!!number} title={t('voucher.title', { number: number ?? '' })} onCancel={onClose} footer={null} width={640}>
      <DataState loading={q.loading} error={q.error} onRetry={q.refetch} empty={!v}>
        {v && (
          <>
            <Alert type={v.verified ? 'success' : 'error'} showIcon message={v.verified ? t('voucher.verified') : t('voucher.notVerified')} style={{ marginBottom: 12 }} />
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('voucher.number')}>{v.number}</Descriptions.Item>
              <Descriptions.Item label={t('voucher.issuedAt')}><DateTime value={v.issuedAt} /></Descriptions.Item>
              <Descriptions.Item label={t('voucher.hash')}><Typography.Text className="mono" copyable>{v.hash}</Typography.Text></Descriptions.Item>
            </Descriptions>
            <Typography.Title level={5} style={{ marginTop: 16 }}>{t('voucher.content')}</Typography.Title>
            <div className="voucher-content">{v.content}</div>
          </>
        )}
      </DataState>
    </Modal>
  );
}
