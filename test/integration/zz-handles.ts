import { createHook } from 'node:async_hooks';
const live = new Map<number, string>();
createHook({
  init(id, type) {
    if (type === 'Timeout' || type === 'TCPWRAP' || type === 'Immediate') live.set(id, `${type} ${new Error().stack!.split('\n').slice(2, 14).filter((l) => !l.includes('node:internal')).join(' | ')}`);
  },
  destroy(id) {
    live.delete(id);
  },
}).enable();
afterAll(async () => {
  await new Promise((r) => setTimeout(r, 1500));
  console.log('LIVE', [...live.values()].filter((v) => !v.includes('jest-circus') && !v.includes('zz-handles')));
});
