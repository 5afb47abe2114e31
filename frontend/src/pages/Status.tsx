import { Button, Result } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../i18n';

export function Forbidden() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title={t('auth.forbiddenTitle')}
      subTitle={t('auth.forbiddenText')}
      extra={<Button type="primary" onClick={() => navigate('/')}>{t('auth.backHome')}</Button>}
    />
  );
}

export function NotFound() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t('auth.notFoundTitle')}
      subTitle={t('auth.notFoundText')}
      extra={<Button type="primary" onClick={() => navigate('/')}>{t('auth.backHome')}</Button>}
    />
  );
}
