// A reply's own words: mail clients quote the whole conversation under (or above) the answer,
// and a ticket already holds every earlier message. The quote starts at the first attribution
// line ("On … wrote:", Outlook's header block, "-----Original Message-----") or at a trailing
// block of "> " lines. When nothing would be left, the text is kept whole.

const ATTRIBUTION = [
  /^on\b.{0,300}\bwrote:\s*$/i,
  /^-{2,}\s*original message\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  /^le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^am\b.{0,300}\bschrieb\b.{0,300}:\s*$/i,
];

export function replyText(text: string): string {
  const lines = text.split(/\r?\n/);
  let end = lines.length;
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] ?? '').trim();
    // Gmail wraps a long attribution over two lines: "On Mon, … <a@b.c>" then "wrote:".
    const joined = `${line} ${(lines[i + 1] ?? '').trim()}`;
    if (ATTRIBUTION.some((pattern) => pattern.test(line)) || /^on\b.{0,300}\bwrote:\s*$/i.test(joined)) {
      end = i;
      break;
    }
  }
  // Quoted lines left at the end (a client that quotes without an attribution).
  while (end > 0 && /^\s*(>.*)?$/.test(lines[end - 1] ?? '')) end -= 1;
  const own = lines.slice(0, end).join('\n').trim();
  return own === '' ? text.trim() : own;
}
