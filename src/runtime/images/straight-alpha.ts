// An ImageBitmap's pixels with straight alpha, exactly, through a WebGL texture (a 2D canvas rounds
// colour through premultiplied alpha; PIL keeps it: docs/internals.md#image-decoding).

let gl: WebGL2RenderingContext | null | undefined;

function context(): WebGL2RenderingContext | null {
  if (gl === undefined || gl?.isContextLost()) {
    try {
      gl = typeof OffscreenCanvas === 'undefined' ? null : new OffscreenCanvas(1, 1).getContext('webgl2');
    } catch {
      gl = null;
    }
  }
  return gl;
}

/** True when any pixel of an RGBA buffer is not fully opaque. */
export function hasTranslucentPixels(data: Uint8Array | Uint8ClampedArray): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return true;
  return false;
}

/**
 * The bitmap's RGBA bytes with straight alpha, or null when WebGL2 is missing here or the
 * bitmap is larger than a texture may be (the caller keeps its canvas reading then).
 */
export function readStraightAlpha(bitmap: ImageBitmap): Uint8ClampedArray | null {
  const g = context();
  if (!g) return null;
  const { width, height } = bitmap;
  const max = g.getParameter(g.MAX_TEXTURE_SIZE) as number;
  if (width > max || height > max) return null;
  const texture = g.createTexture();
  const framebuffer = g.createFramebuffer();
  try {
    g.bindTexture(g.TEXTURE_2D, texture);
    g.pixelStorei(g.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    g.pixelStorei(g.UNPACK_COLORSPACE_CONVERSION_WEBGL, g.NONE);
    g.pixelStorei(g.UNPACK_FLIP_Y_WEBGL, false);
    g.texImage2D(g.TEXTURE_2D, 0, g.RGBA8, g.RGBA, g.UNSIGNED_BYTE, bitmap);
    g.bindFramebuffer(g.FRAMEBUFFER, framebuffer);
    g.framebufferTexture2D(g.FRAMEBUFFER, g.COLOR_ATTACHMENT0, g.TEXTURE_2D, texture, 0);
    if (g.checkFramebufferStatus(g.FRAMEBUFFER) !== g.FRAMEBUFFER_COMPLETE) return null;
    const out = new Uint8ClampedArray(width * height * 4);
    g.pixelStorei(g.PACK_ALIGNMENT, 1);
    // Row 0 of the texture is the image's top row, and readPixels starts at row 0.
    g.readPixels(0, 0, width, height, g.RGBA, g.UNSIGNED_BYTE, out);
    return g.getError() === g.NO_ERROR ? out : null;
  } finally {
    g.bindFramebuffer(g.FRAMEBUFFER, null);
    g.bindTexture(g.TEXTURE_2D, null);
    g.deleteFramebuffer(framebuffer);
    g.deleteTexture(texture);
  }
}
