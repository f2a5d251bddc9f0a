import { describe, expect, it } from 'vitest';
import { MAX_BALANCE, MAX_GOLD_PER_OPERATION } from '../../../actors/shared/values.js';
import { REFERENCE_WINDOW } from '../../../actors/guild/state.js';
import { by, command, deposited, knights, player, server, spec, withdrawn } from './fixtures.js';

describe('guild bank', () => {
  const funded = [...knights, deposited('mem', 100, 'd1')];

  describe('deposit', () => {
    it('takes gold from any member', () => {
      for (const member of ['lead', 'off', 'mem']) {
        spec
          .given(knights)
          .when(command('deposit', { amount: 5, reference: 'd1' }), by(player(member)))
          .then([deposited(member, 5, 'd1')]);
      }
      expect(spec.given(funded).state).toMatchObject({ bank: 100 });
    });

    it('takes gold a server deposits for a named member', () => {
      spec
        .given(knights)
        .when(command('deposit', { amount: 5, reference: 'd1', from: 'mem' }), by(server))
        .then([deposited('mem', 5, 'd1')]);
    });

    it('refuses a server naming no member, or a player who is not one', () => {
      spec
        .given(knights)
        .when(command('deposit', { amount: 5, reference: 'd1', from: 'out' }), by(server))
        .thenRejects('NOT_FOUND', /out is not a member/);
      spec.given(knights).when(command('deposit', { amount: 5, reference: 'd1' }), by(server)).thenRejects('VALIDATION', /from/);
      spec
        .given(knights)
        .when(command('deposit', { amount: 5, reference: 'd1', from: 'off' }), by(player('mem')))
        .thenRejects('UNAUTHORIZED');
    });

    it('refuses a reference already used, even under a new commandId', () => {
      spec
        .given(funded)
        .when(command('deposit', { amount: 100, reference: 'd1' }), by(player('mem'), 'cmd-2'))
        .thenRejects('REJECTED', /reference d1 was already used/);
      spec
        .given([...funded, withdrawn('mem', 10, 'w1')])
        .when(command('deposit', { amount: 1, reference: 'w1' }), by(player('mem')))
        .thenRejects('REJECTED', /w1/);
    });

    it('forgets references past the window, oldest first', () => {
      const many = Array.from({ length: REFERENCE_WINDOW + 1 }, (_, index) => deposited('mem', 1, `r${index}`));
      const state = spec.given([...knights, ...many]).state;
      expect(state.status === 'active' && [state.references.length, state.references[0]]).toEqual([REFERENCE_WINDOW, 'r1']);
      spec
        .given([...knights, ...many])
        .when(command('deposit', { amount: 1, reference: 'r0' }), by(player('mem')))
        .then([deposited('mem', 1, 'r0')]);
      spec
        .given([...knights, ...many])
        .when(command('deposit', { amount: 1, reference: 'r1' }), by(player('mem')))
        .thenRejects('REJECTED');
    });

    it('keeps the bank within MAX_BALANCE', () => {
      const perOp = MAX_GOLD_PER_OPERATION;
      const full = Array.from({ length: MAX_BALANCE / perOp }, (_, index) => deposited('lead', perOp, `f${index}`));
      expect(spec.given([...knights, ...full]).state).toMatchObject({ bank: MAX_BALANCE });
      spec
        .given([...knights, ...full])
        .when(command('deposit', { amount: 1, reference: 'x' }), by(player('lead')))
        .thenRejects('REJECTED', /exceed/);
    });
  });

  describe('withdraw', () => {
    it('pays an officer\'s withdrawal to a member', () => {
      spec
        .given(funded)
        .when(command('withdraw', { amount: 100, reference: 'w1', to: 'mem2' }), by(player('off')))
        .then([withdrawn('mem2', 100, 'w1')]);
      spec
        .given(funded)
        .when(command('withdraw', { amount: 40, reference: 'w1', to: 'off' }), by(player('off')))
        .then([withdrawn('off', 40, 'w1')]);
      spec
        .given(funded)
        .when(command('withdraw', { amount: 1, reference: 'w1', to: 'mem' }), by(server))
        .then([withdrawn('mem', 1, 'w1')]);
      expect(spec.given([...funded, withdrawn('mem2', 30, 'w1')]).state).toMatchObject({ bank: 70 });
    });

    it('never takes the bank below zero', () => {
      spec
        .given(funded)
        .when(command('withdraw', { amount: 101, reference: 'w1', to: 'mem' }), by(player('lead')))
        .thenRejects('REJECTED', /holds 100 gold, 101 asked/);
      spec
        .given(knights)
        .when(command('withdraw', { amount: 1, reference: 'w1', to: 'mem' }), by(server))
        .thenRejects('REJECTED', /holds 0/);
    });

    it('pays members only', () => {
      spec
        .given(funded)
        .when(command('withdraw', { amount: 1, reference: 'w1', to: 'out' }), by(player('lead')))
        .thenRejects('NOT_FOUND', /out is not a member/);
    });

    it('refuses a reference already used, even under a new commandId', () => {
      const paid = [...funded, withdrawn('mem', 10, 'w1')];
      spec
        .given(paid)
        .when(command('withdraw', { amount: 10, reference: 'w1', to: 'mem' }), by(player('lead'), 'cmd-9'))
        .thenRejects('REJECTED', /already used/);
      spec
        .given(paid)
        .when(command('withdraw', { amount: 10, reference: 'd1', to: 'mem' }), by(player('lead')))
        .thenRejects('REJECTED', /already used/);
    });
  });
});
