const MODEL_HELP = `  --model NAME        expression model: mm-expr-mlp (default) or faceapi-hellinger (v1)
  --backend NAME      TensorFlow.js backend, wasm (default) or cpu; face-api's expression
                      network runs on ONNX Runtime unless MEME_MIRROR_ONNX=0
                      (MEME_MIRROR_ONNX_THREADS: its threads, default 2)
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
  serve [--memes DIR] [--port N]       the live web app: make a face at your camera (npm start)
  eval <face set folder...>            how well expression models find the same expression on other people

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
  --api-url URL       imgflip only: another get_memes endpoint, e.g. a mirror
                      (default: https://api.imgflip.com/get_memes)
  --retries N         attempts after the first (default: 3)
  --timeout SECONDS   give up on a request that sends nothing for this long (default: 30)
  --concurrency N     downloads at once (default: 4)`,
  eval: `Usage: meme-mirror eval <folder...> [options]

For each face set folder (an index.csv with a "file,label,identity" header), embeds the largest face
of every image (the whole image when no face is found, e.g. 48x48 crops) and reports, per model:
  triplet  cross-identity triplet accuracy: anchor; positive = same label, another person;
           negative = another label (20,000 seeded triplets)
  hard     the same with the negative taken from the anchor's own person, another label
  P@3      share of the 3 nearest among other people's faces that carry the query's label
  leak     share of the 3 nearest among all other faces that are the query's own person
  leak=    the same among the faces with the query's label only: the leak of a model that never
           confused a label (another photo of the same face is its nearest right answer)
  leak≠    leak leaving out the query's own faces with the same label
with the figures of chance. Sets without identities get what applies. Label names are mapped to one
vocabulary (happiness -> happy, anger -> angry, ...). Byte-identical images (the same photo filed
twice, or under two labels) are named: each finds its copy at distance 0 under any model.

Options:
  --model A,B,...     models to compare (default: the default model; 'all' = every model and baseline):
                      mm-expr-mlp (the default), faceapi-hellinger (v1), faceapi-probs, faceapi-probs-mesh
                      (the same on the face-mesh crop), faceapi-features, human-emotion, mesh-geometry,
                      faceres-identity (identity descriptor: a control), random (the floor)
  --held-out          only the people the trained models never saw (src/eval/split.ts)
  --limit N           at most N images per set (seeded sample)
  --triplets N        triplets per triplet metric (default: 20000)
  --seed S            seed of the triplets and of --limit (default: 1)
  --json              one JSON object with every figure instead of the tables
  --backend NAME      wasm (default) or cpu`,
  serve: `Usage: meme-mirror serve [--memes DIR] [--port N] [options]

Serves the live web app on localhost and prints its URL: the page matches your camera's face to the
memes in the browser (no camera frame leaves it), and POST /api/match matches an image for other
apps (docs/api.md). The collection is indexed at start: new and changed images only, into an index
kept outside the folder unless --index says where.

Options:
  --memes DIR         the meme collection (default: $MEME_MIRROR_MEMES, else
                      ../shared/data/memes/imgflip-seed where it exists, else none)
  --no-memes          start with no collection (the page lets you add your own)
  --index FILE        the collection's index, e.g. one made by 'meme-mirror index' (default:
                      ~/.cache/meme-mirror/<folder>-<hash>.<model>.idx)
  --port N            (default: $PORT, else 8080; 0 = any free port)
  --host ADDR         address to listen on (default: 127.0.0.1, this machine only)
  --cache DIR         where indexes and thumbnails are kept (default: ~/.cache/meme-mirror)
  --max-body-mb N     largest POST /api/match body (default: 10)
  --cors ORIGIN       let pages of ORIGIN (or '*') call POST /api/match
  --model NAME        expression model (default: the default model)`,
};
