// <clip-tagger>'s shadow styles, themed from outside only through --clip-tagger-* properties and
// ::part(dropzone | status | list | item | thumbnail | name | tags | tag).
export const TAGGER_STYLE = `
:host { display: block; font: var(--clip-tagger-font, inherit); color: var(--clip-tagger-color, inherit); }
:host([hidden]) { display: none; }
[part='dropzone'] {
  display: block; width: 100%; padding: 1.2rem; font: inherit; cursor: pointer; color: inherit;
  border: 2px dashed var(--clip-tagger-accent, #2452c4); border-radius: var(--clip-tagger-radius, 0.6rem);
  background: var(--clip-tagger-background, transparent);
}
[part='dropzone'][data-over] { background: color-mix(in srgb, var(--clip-tagger-accent, #2452c4) 15%, transparent); }
[part='dropzone']:focus-visible { outline: 3px solid var(--clip-tagger-focus, #e07b00); outline-offset: 2px; }
[part='status']:empty { display: none; }
[part='list'] { list-style: none; padding: 0; margin: 0.8rem 0 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr)); gap: 0.6rem; }
[part='item'] { display: flex; flex-direction: column; gap: 0.25rem; font-size: 0.85rem; }
[part='thumbnail'] { width: 100%; aspect-ratio: 1; object-fit: cover; border-radius: var(--clip-tagger-radius, 0.6rem); }
[part='name'] { opacity: 0.75; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
[part='tags'] { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.2rem; }
[part='tag'] { padding: 0.05rem 0.4rem; border-radius: 1rem; border: 1px solid var(--clip-tagger-accent, #2452c4); }
`;
