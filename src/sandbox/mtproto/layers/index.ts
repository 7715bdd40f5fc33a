// The API layer each client declared (invokeWithLayer, kept on its auth key) decides how the data
// centre reads its requests and writes its answers and updates. The methods work on GramJS's
// classes, so a client at another served layer has its requests translated to GramJS's layer on
// the way in and every answer translated to its layer on the way out, by constructor name. Any
// other layer gets 400 CONNECTION_LAYER_INVALID, not a stream it cannot parse.

import { transcode } from './codec.js';
import { GRAMJS_LAYER, gramjsSchema, MTCUTE_LAYER, schemaFor } from './schema.js';

export { GRAMJS_LAYER, MTCUTE_LAYER };
export { TranscodeError } from './codec.js';

/** The layers a client may declare. */
export const SERVED_LAYERS: readonly number[] = [GRAMJS_LAYER, MTCUTE_LAYER];

const INVOKE_WITH_LAYER = 0xda9b0d0d;

/** The layer an invokeWithLayer request declares (read before parsing: the rest is in that layer). */
export function declaredLayer(body: Buffer): number | undefined {
  if (body.length >= 8 && body.readUInt32LE(0) === INVOKE_WITH_LAYER) return body.readInt32LE(4);
  return undefined;
}

export function isServedLayer(layer: number): boolean {
  return SERVED_LAYERS.includes(layer);
}

/** True when bytes for this client need translating (it declared a layer other than GramJS's). */
export function needsTranslation(layer: number | undefined): layer is number {
  return layer !== undefined && layer !== GRAMJS_LAYER && isServedLayer(layer);
}

/** A request from a client at `layer`, in GramJS's layer. */
export function requestToGramjs(body: Buffer, layer: number): Buffer {
  return transcode(body, '!X', schemaFor(layer)!, gramjsSchema());
}

/** A method's result (GramJS's layer) for a client at `layer`. */
export function answerForLayer(bytes: Buffer, method: string, layer: number): Buffer {
  const gramjs = gramjsSchema();
  const type = gramjs.byName.get(method)?.type;
  if (!type) throw new Error(`no method ${method} in layer ${GRAMJS_LAYER}`);
  return transcode(bytes, type, gramjs, schemaFor(layer)!);
}

/** A pushed Updates object (GramJS's layer) for a client at `layer`. */
export function updatesForLayer(bytes: Buffer, layer: number | undefined): Buffer {
  if (!needsTranslation(layer)) return bytes;
  return transcode(bytes, 'Updates', gramjsSchema(), schemaFor(layer)!);
}
