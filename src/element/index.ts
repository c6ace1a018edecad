// `webclip/element`: importing it registers <clip-tagger> (once, whatever imports it twice).
import { ClipTagger } from './clip-tagger';

if (!customElements.get('clip-tagger')) customElements.define('clip-tagger', ClipTagger);

export { ClipTagger };
export type { ClipErrorDetail, ClipTagsDetail, TaggedPhoto } from './clip-tagger';

declare global {
  interface HTMLElementTagNameMap {
    'clip-tagger': ClipTagger;
  }
}
