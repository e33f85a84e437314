// The economic parameters as the chain's metadata types them: a proposed parameter set checked
// before it reaches the runtime (which traps decoding a share above 100%), and the parameters in
// force described in CAPA and percent. Nothing here names a field: the fields, their types and
// their ranges come from the metadata of the node capa talks to.

/// A metadata name as polkadot.js keys JSON with it: `epoch_length` -> `epochLength`,
/// `FixedDecay` -> `fixedDecay`.
function stringCamelCase(name) {
  const camel = String(name).replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
  return camel.charAt(0).toLowerCase() + camel.slice(1);
}

/// Parts per whole of the chain's share types.
const PARTS = { Perbill: 1_000_000_000n, Permill: 1_000_000n, Percent: 100n };
/// The largest value of each unsigned primitive.
const MAX = { u8: 2n ** 8n - 1n, u16: 2n ** 16n - 1n, u32: 2n ** 32n - 1n, u64: 2n ** 64n - 1n, u128: 2n ** 128n - 1n };

/// The lookup id of `Parameters` (the type of `burnMint.activeParameters`).
function parametersType(api) {
  return api.query.burnMint.activeParameters.creator.meta.type.asPlain;
}

/// The share type (`Perbill`, ...) a type id is, if it is one.
function shareOf(api, id) {
  const path = api.registry.lookup.getSiType(id).path.map((p) => p.toString());
  const name = path[path.length - 1];
  return PARTS[name] ? name : null;
}

/// A whole number from JSON (a number, a decimal or hex string), or null.
function whole(value) {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return null;
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  try {
    return BigInt(value);
  } catch {
    return null;
  }
}

/// The problems of `value` as type `id` at `where`: a list of sentences naming each field.
function problemsOf(api, id, value, where) {
  const share = shareOf(api, id);
  const def = api.registry.lookup.getSiType(id).def;
  if (share) {
    const parts = whole(value);
    if (parts === null || parts < 0n) return [`${where}: a whole number of parts (${share}) expected, got ${JSON.stringify(value)}`];
    if (parts > PARTS[share]) {
      return [`${where}: ${parts} parts is above 100% (a ${share} has ${PARTS[share]} parts)`];
    }
    return [];
  }
  if (def.isPrimitive) {
    const kind = def.asPrimitive.type.toLowerCase();
    if (kind === 'bool') return typeof value === 'boolean' ? [] : [`${where}: true or false expected`];
    const n = whole(value);
    if (!MAX[kind]) return [];
    if (n === null || n < 0n) return [`${where}: a whole number expected (${kind}), got ${JSON.stringify(value)}`];
    return n > MAX[kind] ? [`${where}: ${n} does not fit a ${kind}`] : [];
  }
  if (def.isComposite) {
    const fields = def.asComposite.fields;
    if (fields.length === 1 && fields[0].name.isNone) return problemsOf(api, fields[0].type, value, where);
    return fieldsProblems(api, fields, value, where);
  }
  if (def.isVariant) {
    const variants = def.asVariant.variants;
    const keys = value && typeof value === 'object' ? Object.keys(value) : [];
    const names = variants.map((v) => stringCamelCase(v.name.toString()));
    if (keys.length !== 1 || !names.includes(keys[0])) {
      return [`${where}: one of ${names.map((n) => `{ "${n}": ... }`).join(', ')} expected`];
    }
    const variant = variants[names.indexOf(keys[0])];
    return fieldsProblems(api, variant.fields, value[keys[0]], `${where}.${keys[0]}`);
  }
  return [];
}

/// The problems of an object with exactly `fields`.
function fieldsProblems(api, fields, value, where) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${where}: an object expected`];
  const names = fields.map((f) => stringCamelCase(f.name.unwrap().toString()));
  const problems = Object.keys(value)
    .filter((key) => !names.includes(key))
    .map((key) => `${where}.${key}: not a field (the fields: ${names.join(', ')})`);
  fields.forEach((field, i) => {
    const at = `${where}.${names[i]}`;
    if (!(names[i] in value)) problems.push(`${at}: missing`);
    else problems.push(...problemsOf(api, field.type, value[names[i]], at));
  });
  return problems;
}

/// Every problem of a proposed parameter set (JSON, as `capa params --json` prints it), against
/// the chain's own `Parameters` type: an empty list if the runtime can decode it. The chain then
/// validates it as `set_parameters` does.
export function parameterProblems(api, proposed) {
  return problemsOf(api, parametersType(api), proposed, 'parameters');
}

/// The parameters in force, a line per field: shares in percent, token amounts in CAPA
/// (`format` renders plancks), the rest as numbers; nested values (the controller's mode) by
/// their own fields.
export function describeParameters(api, params, format) {
  const lines = [];
  const describe = (id, value, name, typeName) => {
    const share = shareOf(api, id);
    const def = api.registry.lookup.getSiType(id).def;
    if (share) {
      const parts = BigInt(value);
      const percent = Number((parts * 10n ** 9n) / PARTS[share]) / 1e7;
      lines.push(`${name}: ${percent}%`);
    } else if (def.isComposite && !(def.asComposite.fields.length === 1 && def.asComposite.fields[0].name.isNone)) {
      def.asComposite.fields.forEach((f) => {
        const key = stringCamelCase(f.name.unwrap().toString());
        describe(f.type, value[key], `${name}.${key}`, f.typeName.unwrapOr('').toString());
      });
    } else if (def.isVariant) {
      const [key] = Object.keys(value);
      const variant = def.asVariant.variants.find((v) => stringCamelCase(v.name.toString()) === key);
      lines.push(`${name}: ${key}`);
      variant.fields.forEach((f) => {
        const field = stringCamelCase(f.name.unwrap().toString());
        describe(f.type, value[key][field], `${name}.${field}`, f.typeName.unwrapOr('').toString());
      });
    } else if (typeName === 'Amount' || typeName === 'Balance') {
      lines.push(`${name}: ${format(BigInt(value))} CAPA`);
    } else {
      lines.push(`${name}: ${BigInt(value).toLocaleString('en-US')}`);
    }
  };
  const def = api.registry.lookup.getSiType(parametersType(api)).def.asComposite;
  for (const field of def.fields) {
    const key = stringCamelCase(field.name.unwrap().toString());
    describe(field.type, params[key], key, field.typeName.unwrapOr('').toString());
  }
  return lines;
}
