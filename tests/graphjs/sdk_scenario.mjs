// The scenario run by pim_sdk.test.mjs in a child process (NODE_EXTRA_CA_CERTS set, so that
// fetch trusts the test CA). Everything but token requests goes through the Graph SDK's Client,
// exactly as a script written for Entra PIM would, with only the base URL changed.
// Env: PIM_PORT, PIM_ADMIN_UPN, PIM_ADMIN_PASSWORD.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, PageIterator } from '@microsoft/microsoft-graph-client';

const PORT = process.env.PIM_PORT;
const BASE = `https://localhost:${PORT}`;
const SECURITY_ADMINISTRATOR = '194ae4cb-b126-40b2-bd5b-6091b380977d';
const EXCHANGE_ADMINISTRATOR = '29232cdf-9323-42fd-ade2-1d097af3e4de';
const SHAREPOINT_ADMINISTRATOR = 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c';
const RD = '/roleManagement/directory';

async function token(username, password) {
  const res = await fetch(`${BASE}/common/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username, password,
                                client_id: 'graph-js-test',
                                scope: 'https://graph.microsoft.com/.default' }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.token_type, 'Bearer');
  return body.access_token;
}

function client(accessToken) {
  return Client.init({
    authProvider: (done) => done(null, accessToken),
    baseUrl: `${BASE}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set(['localhost']),
  });
}

async function newUser(admin, displayName) {
  const upn = `${displayName.toLowerCase().replace(/\W+/g, '')}.${randomUUID().slice(0, 8)}@pim.test`;
  const password = 'Pw-' + randomUUID();
  const user = await admin.api('/users').post({
    displayName, userPrincipalName: upn, accountEnabled: true, passwordProfile: { password },
  });
  assert.equal(user.userPrincipalName, upn);
  return { ...user, password, client: client(await token(upn, password)) };
}

function activation(user, roleDefinitionId, justification) {
  return {
    action: 'selfActivate', principalId: user.id, roleDefinitionId, directoryScopeId: '/',
    justification, ticketInfo: { ticketNumber: 'INC-9', ticketSystem: 'Jira' },
    scheduleInfo: { startDateTime: new Date().toISOString(),
                    expiration: { type: 'afterDuration', duration: 'PT1H' } },
  };
}

async function rulePath(admin, roleDefinitionId, ruleId) {
  const assignments = await admin.api('/policies/roleManagementPolicyAssignments')
    .filter(`scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${roleDefinitionId}'`)
    .get();
  assert.equal(assignments.value.length, 1, JSON.stringify(assignments));
  return `/policies/roleManagementPolicies/${assignments.value[0].policyId}/rules/${ruleId}`;
}

// The default policy asks for MFA on activation; these scripted users have no authenticator.
async function justificationOnly(admin, roleDefinitionId) {
  const path = await rulePath(admin, roleDefinitionId, 'Enablement_EndUser_Assignment');
  const rule = await admin.api(path).get();
  delete rule['@odata.context'];
  rule.enabledRules = ['Justification'];
  const patched = await admin.api(path).patch(rule);
  assert.deepEqual(patched.enabledRules, ['Justification']);
}

async function requireApprovalBy(admin, roleDefinitionId, approver) {
  const path = await rulePath(admin, roleDefinitionId, 'Approval_EndUser_Assignment');
  const rule = await admin.api(path).get();
  delete rule['@odata.context'];
  rule.setting.isApprovalRequired = true;
  const stage = (rule.setting.approvalStages || [])[0] || {};
  stage.approvalStageTimeOutInDays = stage.approvalStageTimeOutInDays || 1;
  stage.isApproverJustificationRequired = true;
  stage.primaryApprovers = [{ '@odata.type': '#microsoft.graph.singleUser', userId: approver.id }];
  rule.setting.approvalStages = [stage];
  const patched = await admin.api(path).patch(rule);
  assert.equal(patched.setting.isApprovalRequired, true);
  assert.equal(patched.setting.approvalStages[0].primaryApprovers[0].userId, approver.id);
}

test('Graph SDK scenario', async (t) => {
  const admin = client(await token(process.env.PIM_ADMIN_UPN, process.env.PIM_ADMIN_PASSWORD));
  const me = await admin.api('/me').get();
  assert.equal(me.userPrincipalName.toLowerCase(), process.env.PIM_ADMIN_UPN.toLowerCase());

  const requester = await newUser(admin, 'SDK Requester');
  const approver = await newUser(admin, 'SDK Approver');

  await t.test('PATCH the enablement rules: no MFA', async () => {
    for (const role of [SECURITY_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR, SHAREPOINT_ADMINISTRATOR]) {
      await justificationOnly(admin, role);
    }
  });

  await t.test('adminAssign an eligibility', async () => {
    for (const role of [SECURITY_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR, SHAREPOINT_ADMINISTRATOR]) {
      const req = await admin.api(`${RD}/roleEligibilityScheduleRequests`).post({
        action: 'adminAssign', principalId: requester.id, roleDefinitionId: role,
        directoryScopeId: '/', justification: 'SDK test',
        scheduleInfo: { startDateTime: new Date().toISOString(),
                        expiration: { type: 'noExpiration' } },
      });
      assert.equal(req.status, 'Provisioned');
    }
    const elig = await requester.client
      .api(`${RD}/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')`).get();
    assert.equal(elig.value.length, 3);
  });

  await t.test('selfActivate with a justification, then list instances with $filter', async () => {
    const req = await requester.client.api(`${RD}/roleAssignmentScheduleRequests`)
      .post(activation(requester, SECURITY_ADMINISTRATOR, 'SDK activation'));
    assert.equal(req.status, 'Provisioned');
    assert.equal(req.justification, 'SDK activation');
    const inst = await admin.api(`${RD}/roleAssignmentScheduleInstances`)
      .filter(`principalId eq '${requester.id}'`).get();
    assert.deepEqual(inst.value.map((i) => i.roleDefinitionId), [SECURITY_ADMINISTRATOR]);
    await assert.rejects(
      requester.client.api(`${RD}/roleAssignmentScheduleRequests`)
        .post(activation(requester, SECURITY_ADMINISTRATOR, 'again')),
      (err) => err.statusCode === 409);
  });

  await t.test('PATCH approval rules, then approve a pending request', async () => {
    await requireApprovalBy(admin, EXCHANGE_ADMINISTRATOR, approver);
    const req = await requester.client.api(`${RD}/roleAssignmentScheduleRequests`)
      .post(activation(requester, EXCHANGE_ADMINISTRATOR, 'SDK needs approval'));
    assert.equal(req.status, 'PendingApproval');
    const queue = await approver.client
      .api(`${RD}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')`).get();
    assert.ok(queue.value.some((r) => r.id === req.id), JSON.stringify(queue));
    const approval = await approver.client.api(`${RD}/roleAssignmentApprovals/${req.approvalId}`)
      .get();
    const step = approval.steps.find((s) => s.assignedToMe && s.status === 'InProgress');
    assert.ok(step, JSON.stringify(approval));
    await approver.client.api(`${RD}/roleAssignmentApprovals/${req.approvalId}/steps/${step.id}`)
      .patch({ reviewResult: 'Approve', justification: 'ok from the SDK' });
    const done = await requester.client.api(`${RD}/roleAssignmentScheduleRequests/${req.id}`).get();
    assert.equal(done.status, 'Provisioned');
  });

  await t.test('cancel another pending request', async () => {
    await requireApprovalBy(admin, SHAREPOINT_ADMINISTRATOR, approver);
    const req = await requester.client.api(`${RD}/roleAssignmentScheduleRequests`)
      .post(activation(requester, SHAREPOINT_ADMINISTRATOR, 'SDK will cancel'));
    assert.equal(req.status, 'PendingApproval');
    await requester.client.api(`${RD}/roleAssignmentScheduleRequests/${req.id}/cancel`).post({});
    const done = await requester.client.api(`${RD}/roleAssignmentScheduleRequests/${req.id}`).get();
    assert.equal(done.status, 'Canceled');
  });

  await t.test('PageIterator follows @odata.nextLink', async () => {
    const first = await admin.api('/users').top(2).get();
    assert.ok(first['@odata.nextLink'], JSON.stringify(first));
    const seen = [];
    await new PageIterator(admin, first, (u) => { seen.push(u.id); return true; }).iterate();
    const all = await admin.api('/users').top(999).get();
    assert.deepEqual(seen, all.value.map((u) => u.id));
    assert.ok(seen.includes(requester.id) && seen.includes(approver.id));
  });

  await t.test('errors surface as GraphError with Graph codes', async () => {
    await assert.rejects(admin.api(`/users/${randomUUID()}`).get(),
                         (err) => err.statusCode === 404 && typeof err.code === 'string');
    await assert.rejects(
      requester.client.api('/users').post({
        displayName: 'Not allowed', userPrincipalName: `no.${randomUUID().slice(0, 8)}@pim.test`,
        passwordProfile: { password: 'Long-enough-pw-1' } }),
      (err) => err.statusCode === 403);
  });
});
