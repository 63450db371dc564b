// Node CommonJS consumer: change a password against the simulator, a wrong password first.
const assert = require('node:assert/strict');
const { isUiaError, StageError } = require('matrix-uia');
const { changePassword, createMatrixClient } = require('matrix-uia/fetch');
const { DEMO_ACCOUNT, demoConfig, startHomeserver } = require('matrix-uia/testing');

(async () => {
  const hs = await startHomeserver(demoConfig());
  try {
    const client = createMatrixClient({ baseUrl: hs.url, accessToken: DEMO_ACCOUNT.accessToken });
    const problems = [];
    await changePassword(client, { newPassword: 'new horse', logoutDevices: false }, {
      userId: DEMO_ACCOUNT.userId,
      handlers: {
        password: async (stage) => {
          problems.push(stage.error);
          return problems.length === 1 ? 'wrong horse' : DEMO_ACCOUNT.password;
        },
      },
    });
    assert.equal(problems.length, 2);
    assert.ok(problems[1] instanceof StageError && isUiaError(problems[1]), 'the wrong password comes back as a StageError');
    assert.equal(hs.server.getUser(DEMO_ACCOUNT.userId)?.password, 'new horse');
    console.log('node-cjs: password changed over HTTP (wrong password asked again)');
  } finally {
    await hs.close();
  }
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
