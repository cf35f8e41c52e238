/** External partners: referrals with partner, date and status; each status change sent with the referral's ETag. */
import { useState } from 'preact/hooks';
import { api, useWriter } from '../../api/client';
import { PARTNERS, REFERRAL_STATUSES, type Partner, type ReferralStatus } from '../../api/enums';
import { MAX } from '../../api/limits';
import { formatDate, todayIso } from '../../lib/dates';
import { getLang, t, tEnum } from '../../lib/i18n';
import { EnumSelect } from '../../forms';
import { Field, ProblemNotice } from '../../ui';
import type { Incident } from './shared';

type Referral = Incident['referrals'][number];

function partnerLabel(r: Referral): string {
  const label = tEnum('partner', r.partner);
  return r.partner_name ? `${label}: ${r.partner_name}` : label;
}

function ReferralCard({ incidentId, item, canEdit, onSaved }: { incidentId: number; item: Referral; canEdit: boolean; onSaved: () => void }) {
  const [status, setStatus] = useState<ReferralStatus>(item.status);
  const writer = useWriter();
  const lang = getLang();
  const id = `ref-${item.id}`;
  async function save(e: Event) {
    e.preventDefault();
    const r = await writer.run(() =>
      api.PATCH('/api/v1/incidents/{incident_id}/referrals/{referral_id}', {
        params: { path: { incident_id: incidentId, referral_id: item.id }, header: { 'If-Match': item.etag } },
        body: { status },
      }),
    );
    if (r?.ok) onSaved();
  }
  return (
    <li class="card">
      <div class="row-main">
        <strong id={id}>{partnerLabel(item)}</strong>
        <span class="muted small">
          {t('ref_referred_on')} {formatDate(item.referred_on, lang, false)} · {tEnum('rs', item.status)}
        </span>
        {item.note && <span>{item.note}</span>}
        {canEdit && (
          <form class="toolbar" onSubmit={save}>
            <EnumSelect
              label={t('ref_status_for', { partner: tEnum('partner', item.partner) })}
              prefix="rs"
              options={REFERRAL_STATUSES}
              value={status}
              onChange={setStatus}
            />
            <button type="submit" class="btn secondary" disabled={status === item.status || writer.busy} aria-describedby={id}>
              {t('ref_save_status')}
            </button>
          </form>
        )}
        <ProblemNotice problem={writer.problem} />
      </div>
    </li>
  );
}

function ReferralForm({ incidentId, onSaved }: { incidentId: number; onSaved: () => void }) {
  const [partner, setPartner] = useState<Partner>('school_psychologist');
  const [name, setName] = useState('');
  const [status, setStatus] = useState<ReferralStatus>('planned');
  const [referredOn, setReferredOn] = useState(todayIso());
  const [note, setNote] = useState('');
  const writer = useWriter();
  const fields = writer.problem?.fields ?? {};
  async function add(e: Event) {
    e.preventDefault();
    const r = await writer.run((headers) =>
      api.POST('/api/v1/incidents/{incident_id}/referrals', {
        params: { path: { incident_id: incidentId } },
        headers,
        body: {
          partner,
          status,
          referred_on: referredOn,
          ...(name.trim() ? { partner_name: name.trim() } : {}),
          ...(note.trim() ? { note: note.trim() } : {}),
        },
      }),
    );
    if (r?.ok) {
      setName('');
      setNote('');
      onSaved();
    }
  }
  return (
    <details class="more">
      <summary>{t('ref_new')}</summary>
      <form class="stack" onSubmit={add}>
        <EnumSelect label={t('ref_partner')} prefix="partner" options={PARTNERS} value={partner} onChange={setPartner} />
        <Field label={t('ref_partner_name')} error={fields.partner_name}>
          <input type="text" maxLength={MAX.ReferralCreate.partner_name} required={partner === 'other'} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <EnumSelect label={t('ref_status')} prefix="rs" options={REFERRAL_STATUSES} value={status} onChange={setStatus} />
        <Field label={t('ref_referred_on')} error={fields.referred_on}>
          <input type="date" required value={referredOn} onInput={(e) => setReferredOn(e.currentTarget.value)} />
        </Field>
        <Field label={t('ref_note')} error={fields.note}>
          <textarea rows={2} maxLength={MAX.ReferralCreate.note} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </Field>
        <ProblemNotice problem={writer.problem} shown={['partner_name', 'referred_on', 'note']} />
        <button type="submit" class="btn primary" disabled={writer.busy}>
          {t('ref_add')}
        </button>
      </form>
    </details>
  );
}

export function Referrals({ c, canAdd, canUpdate, onSaved }: { c: Incident; canAdd: boolean; canUpdate: boolean; onSaved: () => void }) {
  return (
    <>
      {c.referrals.length ? (
        <ul class="list">
          {c.referrals.map((r) => (
            <ReferralCard key={r.etag} incidentId={c.id} item={r} canEdit={canUpdate} onSaved={onSaved} />
          ))}
        </ul>
      ) : (
        <p>{t('referrals_none')}</p>
      )}
      {canAdd && <ReferralForm incidentId={c.id} onSaved={onSaved} />}
    </>
  );
}
