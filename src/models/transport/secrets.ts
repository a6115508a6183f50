// The secrets registry lives in core (run.json and every line written are masked there too); the
// model layer reads keys and registers them through this module, as before.
export { maskKey, redactKnownSecrets, redactSecrets, registerSecret, registerUrlSecrets } from '../../core/secrets.js';
