import { ObjectMeta } from './model';

/** Builds metadata, leaving out what is empty so the YAML carries only what was asked for. */
export function metadataOf(
  name: string,
  namespace: string | undefined,
  labels?: { [k: string]: string },
  annotations?: { [k: string]: string },
): ObjectMeta {
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(labels && Object.keys(labels).length > 0 ? { labels } : {}),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}
