export function t(s, v) { return v ? s.replace(/\{(\w+)\}/g, (_, k) => String(v[k])) : s; }
