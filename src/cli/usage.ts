const MODEL_HELP = `  --model NAME        expression model (default: faceapi-hellinger)
  --backend NAME      wasm (default) or cpu
  --min-face PX       smallest face kept, shorter box side in pixels (default: 24)
  --max-faces N       most faces per image, largest first (default: 10)`;

export const USAGE: Record<string, string> = {
  main: `meme-mirror: find the memes whose faces make the same expression as yours

Usage: meme-mirror <command> [options]

Commands:
  index <folder|image...> --out FILE   embed every face of every image into an index file
  match <image...> --index FILE        the memes nearest in expression to each face
  embed <image|folder...>              expression embeddings of every face, as JSON lines
  fetch imgflip --out DIR              download the most popular imgflip meme templates
  fetch <list.csv> --out DIR           download a list of "url,sha256" lines

Run 'meme-mirror <command> --help' for a command's options.

Example:
  meme-mirror index ../shared/data/memes/imgflip-seed --out seed.idx
  meme-mirror match me.jpg --index seed.idx --top 3`,
  index: `Usage: meme-mirror index <folder|image...> --out FILE [options]

Embeds every face of every image (folders are walked recursively) into FILE. Run it again on the
same folders to embed only new or changed images and drop deleted ones. The file is written
atomically, and every 25 images, so a killed run keeps what it did and the next run resumes.

Options:
  --out FILE          the index file (required)
  --rebuild           ignore an existing FILE and start afresh
  --checkpoint N      write FILE after every N images embedded (default: 25)
  --json              print the closing summary as JSON on stdout
${MODEL_HELP}`,
  match: `Usage: meme-mirror match <image...> --index FILE [options]

For each face of each image, the memes of the index whose faces are nearest in expression
(Euclidean distance between expression embeddings; 0 = identical), nearest first.

Options:
  --index FILE        an index made by 'meme-mirror index' (required)
  --top K             memes per face (default: 3)
  --json              one JSON object per image and line:
                      {"file","faces":[{"box":[x,y,w,h],"matches":[{"file","box","distance"}]}]}
${MODEL_HELP}`,
  embed: `Usage: meme-mirror embed <image|folder...> [options]

Prints the expression embedding of every face, one JSON object per image and line:
  {"file","model","dims","faces":[{"box":[x,y,w,h],"score","embedding":[...]}]}
or {"file","error"} for an image that cannot be read. Boxes are pixels of the image.

Options:
  --json              JSON lines (the default; kept for symmetry with match)
  --pretty            a readable summary instead of JSON
${MODEL_HELP}`,
  fetch: `Usage: meme-mirror fetch imgflip --out DIR [--limit N]
       meme-mirror fetch <list.csv> --out DIR

Downloads meme images into DIR. 'imgflip' asks imgflip's public API for its most popular templates
and writes DIR/index.csv; a list file has one "url,sha256" line per image (sha256 optional).
Every sha256 given is checked, failed requests are retried with backoff, stalled ones time out,
and no partial file is ever left. Files already there are skipped, so a second run resumes.

Options:
  --out DIR           where the images go (required; created if missing)
  --limit N           imgflip only: how many templates (default: 100)
  --retries N         attempts after the first (default: 3)
  --timeout SECONDS   give up on a request that sends nothing for this long (default: 30)
  --concurrency N     downloads at once (default: 4)`,
};
