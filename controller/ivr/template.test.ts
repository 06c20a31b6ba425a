import { describe, expect, it } from 'vitest';
import { endpointFor } from './nodes/transfer.js';
import { render } from './template.js';

describe('templates and transfer targets', () => {
  const scope = {
    caller: '13812345678',
    called: '4008001234',
    language: 'en',
    vars: { customer: { tier: 'gold', orders: [1, 2] }, n: 0 },
  };

  it('fills names, nested variables and objects; unknown names become empty', () => {
    expect(render('{{caller}}/{{ called }}/{{language}}', scope)).toBe('13812345678/4008001234/en');
    expect(render('{{vars.customer.tier}} {{vars.n}} {{n}}', scope)).toBe('gold 0 0');
    expect(render('{{vars.customer.orders}}', scope)).toBe('[1,2]');
    expect(render('x{{vars.nothing.here}}y{{vars.customer.tier.length}}z', scope)).toBe('xyz');
  });

  it('dials numbers and SIP URIs through the trunk; endpoints pass through', () => {
    expect(endpointFor('02088889999', 'PJSIP/{number}@carrier')).toBe('PJSIP/02088889999@carrier');
    expect(endpointFor('sip:support@example.com', 'PJSIP/{number}@carrier')).toBe(
      'PJSIP/carrier/sip:support@example.com',
    );
    expect(endpointFor('PJSIP/1001@agents-lab', 'PJSIP/{number}@carrier')).toBe(
      'PJSIP/1001@agents-lab',
    );
  });
});
