// duckdb_count.mjs - the benchmark job in DuckDB: count the records of every distinct
// (QI1, QI2, ...) tuple of raw values, then print "CLASSES UNIQUES" on one line.
//
// Usage: node bench/peers/duckdb_count.mjs FILE THREADS [QI,QI,...]
//        node bench/peers/duckdb_count.mjs --missing FILE [QI,QI,...]
//
// Every column is read as text (all_varchar), so values are compared as they are spelt; an
// empty field is read as NULL and GROUP BY puts all NULLs in one group, which is what
// reid-check does with missing values. --missing prints, per QI column, how many values are
// empty, how many are spelt like reid-check's default missing tokens (NA, N/A, NULL, ?), and
// how many have leading or trailing white space (which reid-check trims), as JSON.
import { DuckDBInstance } from '@duckdb/node-api';

function usage() {
  console.error('usage: duckdb_count.mjs FILE THREADS [QI,...] | --missing FILE [QI,...]');
  process.exit(2);
}

const args = process.argv.slice(2);
const missingMode = args[0] === '--missing';
if (missingMode) args.shift();
if (args.length < (missingMode ? 1 : 2)) usage();
const file = args[0];
const threads = missingMode ? 0 : Number.parseInt(args[1], 10);
const qiArg = args[missingMode ? 1 : 2] ?? 'postcode,age,diagnosis';
if (!missingMode && !(threads >= 1)) usage();

const sqlString = (s) => "'" + s.replaceAll("'", "''") + "'";
const ident = (s) => '"' + s.replaceAll('"', '""') + '"';
const qis = qiArg.split(',').filter((s) => s.length > 0);
const cols = qis.map(ident).join(', ');
// The dialect is given explicitly (RFC 4180, header row) rather than sniffed.
const source = `read_csv(${sqlString(file)}, all_varchar = true, header = true, ` +
  `delim = ',', quote = '"', escape = '"')`;

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
if (threads >= 1) await con.run(`SET threads = ${threads}`);

if (missingMode) {
  const parts = qis.map((q, i) => {
    const c = ident(q);
    return `count(*) FILTER (WHERE ${c} IS NULL OR ${c} = '') AS e${i}, ` +
      `count(*) FILTER (WHERE upper(trim(${c})) IN ('NA', 'N/A', 'NULL', '?')) AS t${i}, ` +
      `count(*) FILTER (WHERE ${c} <> trim(${c})) AS w${i}`;
  });
  const reader = await con.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${source}`);
  const row = reader.getRows()[0];
  const out = {};
  qis.forEach((q, i) => {
    out[q] = {
      empty: Number(row[3 * i]),
      missing_tokens: Number(row[3 * i + 1]),
      untrimmed: Number(row[3 * i + 2]),
    };
  });
  console.log(JSON.stringify(out));
} else {
  const sql = `SELECT count(*) AS classes, count(*) FILTER (WHERE n = 1) AS uniques ` +
    `FROM (SELECT count(*) AS n FROM ${source} GROUP BY ${cols})`;
  const reader = await con.runAndReadAll(sql);
  const [classes, uniques] = reader.getRows()[0];
  console.log(`${classes} ${uniques}`);
}
