// Decoding with WebCodecs' ImageDecoder: the faster exact path for opaque images (no colour
// management, no canvas); translucent ones go to createImageBitmap (docs/internals.md#image-decoding).
import { ClipError } from '../../shared/errors';
import type { ImageType } from '../../core/image/image-type';
import { jpegScanDataOffset } from '../../core/image/jpeg-header';
import { isRotation, orientPixels } from '../../core/image/orientation';
import type { RgbaPixels } from '../../core/image/resample';
import { hasTranslucentPixels } from './straight-alpha';

/** rotation and flip (EXIF orientation) are newer than TypeScript's DOM types. */
interface OrientedFrame extends VideoFrame {
  readonly rotation?: number;
  readonly flip?: boolean;
}

const RGB_FORMATS: ReadonlySet<VideoPixelFormat> = new Set(['RGBA', 'RGBX', 'BGRA', 'BGRX']);

const supportedTypes = new Map<ImageType, Promise<boolean>>();

function isSupported(type: ImageType): Promise<boolean> {
  if (typeof ImageDecoder === 'undefined') return Promise.resolve(false);
  let known = supportedTypes.get(type);
  if (!known) {
    known = ImageDecoder.isTypeSupported(type).catch(() => false);
    supportedTypes.set(type, known);
  }
  return known;
}

/** Copies the frame as RGBA; swizzles BGR(A/X) itself where copyTo cannot convert formats. */
async function copyRgba(frame: VideoFrame, out: Uint8ClampedArray): Promise<void> {
  try {
    await frame.copyTo(out, { format: 'RGBA' });
    return;
  } catch (error) {
    // Older engines reject a format conversion; copy as stored and convert below.
    if (!(error instanceof Error) || (error.name !== 'NotSupportedError' && error.name !== 'TypeError')) throw error;
  }
  await frame.copyTo(out);
  if (frame.format === 'BGRA' || frame.format === 'BGRX') {
    for (let i = 0; i < out.length; i += 4) {
      const b = out[i]!;
      out[i] = out[i + 2]!;
      out[i + 2] = b;
    }
  }
}

/** How long the header phase may wait for the decoder to read the frame size. */
const HEADER_WAIT_MS = 100;

/**
 * Where to split the file: after its header (for a JPEG, through the first scan's header, which
 * the decoder reads before it reports the frame), so it knows the frame before the pixels come.
 */
function headerSplit(bytes: Uint8Array, type: ImageType): number {
  const scan = type === 'image/jpeg' ? jpegScanDataOffset(bytes) : null;
  return scan ?? Math.min(bytes.length >> 1, 64 * 1024);
}

/**
 * Feeds the decoder in two parts and asks for frame 0 in between. Chromium decodes a JPEG to
 * YUV planes (an I420 frame, whose conversion to RGB would not be libjpeg's) when every byte is
 * there by the time it starts the frame; a frame it started on partial data it finishes in RGB,
 * as PIL decodes. So: the header first, the request, a wait until the decoder knows the frame
 * (bounded: a header it cannot read must not hang us), then the rest. Should a YUV frame come
 * anyway, the format check declines it and the caller decodes another way.
 */
async function decodeFirstFrame(bytes: Uint8Array, type: ImageType): Promise<{ decoder: ImageDecoder; frame: Promise<ImageDecodeResult> }> {
  const split = headerSplit(bytes, type);
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const data = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  controller.enqueue(bytes.subarray(0, split));
  const decoder = new ImageDecoder({ data, type, colorSpaceConversion: 'none', preferAnimation: false });
  const frame = decoder.decode({ frameIndex: 0 });
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    decoder.tracks.ready,
    frame,
    new Promise<void>((resolve) => (timer = setTimeout(resolve, HEADER_WAIT_MS))),
  ]).catch(() => undefined); // a failure surfaces from `frame` below
  clearTimeout(timer);
  try {
    controller.enqueue(bytes.subarray(split));
    controller.close();
  } catch {
    // The decoder already gave up on the stream (a broken header): `frame` says why.
  }
  return { decoder, frame };
}

/**
 * The upright RGBA pixels of the file's first frame, or null when this browser's ImageDecoder
 * cannot give them exactly (no ImageDecoder, type not supported, a YUV frame, no orientation
 * attributes, translucent pixels): the caller then takes the createImageBitmap path.
 * Throws ClipError('BAD_IMAGE') when the bytes do not decode.
 */
export async function decodeWithImageDecoder(file: Blob, type: ImageType): Promise<RgbaPixels | null> {
  if (!(await isSupported(type))) return null;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let started: Awaited<ReturnType<typeof decodeFirstFrame>>;
  try {
    started = await decodeFirstFrame(bytes, type);
  } catch (cause) {
    throw new ClipError('BAD_IMAGE', `this ${type} file could not be read (${file.size} bytes)`, { cause });
  }
  const { decoder } = started;
  try {
    let frame: OrientedFrame;
    try {
      frame = (await started.frame).image as OrientedFrame;
    } catch (cause) {
      const reason = cause instanceof Error ? `: ${cause.message}` : '';
      throw new ClipError('BAD_IMAGE', `this ${type} file is broken or truncated (${file.size} bytes)${reason}`, { cause });
    }
    try {
      const { rotation, flip } = frame;
      // Engines that predate VideoFrame orientation may or may not have applied EXIF: unknowable.
      if (!isRotation(rotation) || typeof flip !== 'boolean') return null;
      if (frame.format === null || !RGB_FORMATS.has(frame.format)) return null;
      const { width, height } = frame.visibleRect ?? { width: frame.codedWidth, height: frame.codedHeight };
      if (width === 0 || height === 0) throw new ClipError('BAD_IMAGE', `the image is empty (${width}×${height})`);
      let data: Uint8ClampedArray;
      try {
        data = new Uint8ClampedArray(width * height * 4);
      } catch (cause) {
        throw new ClipError('BAD_IMAGE', `a ${width}×${height} image is too large to decode here`, { cause });
      }
      await copyRgba(frame, data);
      if ((frame.format === 'RGBA' || frame.format === 'BGRA') && hasTranslucentPixels(data)) return null;
      return orientPixels({ data, width, height }, rotation, flip);
    } finally {
      frame.close();
    }
  } finally {
    decoder.close();
  }
}
