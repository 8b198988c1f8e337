import { searchSha256 } from './search-sha256.ts';
import { searchSubtle } from './search-subtle.ts';

/**
 * The solver Worker's whole script, built from the search functions' own source, so it ships
 * inside the one script-tag bundle and starts from a Blob URL. Messages in: `{ id, job, from,
 * to }`; out: `{ id, found: [counter or -1, key hex] }` or `{ id, error }`.
 */
export function workerSource(): string {
  return `const s=${searchSha256},u=${searchSubtle};onmessage=async({data:d})=>{try{postMessage({id:d.id,found:d.job.kind==="sha256"?[s(d.job,d.from,d.to),""]:await u(d.job,d.from,d.to)})}catch(e){postMessage({id:d.id,error:String(e)})}}`;
}
