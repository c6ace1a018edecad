import { describe, expect, it } from 'vitest';
import { undecodableReason } from '../../../src/core/image/undecodable';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('undecodableReason', () => {
  it('names SVG by its type or its bytes', () => {
    expect(undecodableReason(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'), '', 40)).toMatch(/^SVG is not decoded/);
    expect(undecodableReason(bytes('<?xml version="1.0"?>\n<svg/>'), 'image/png', 30)).toMatch(/^SVG/);
    expect(undecodableReason(bytes('whatever'), 'image/svg+xml', 8)).toMatch(/^SVG/);
  });
  it('names HEIC photos by their ftyp brand', () => {
    const heic = new Uint8Array([0, 0, 0, 24, ...bytes('ftypheic'), 0, 0, 0, 0, ...bytes('mif1heic')]);
    expect(undecodableReason(heic, 'image/jpeg', 24)).toMatch(/HEIC\/HEIF photo.*convert it to JPEG/);
  });
  it('tells HTML and text from binary junk', () => {
    expect(undecodableReason(bytes('<!DOCTYPE html><html>'), 'image/jpeg', 21)).toMatch(/HTML page, not an image/);
    expect(undecodableReason(bytes('Shopping list:\n- milk\n- crème fraîche'), 'image/jpeg', 40)).toMatch(/text file, not an image/);
    expect(undecodableReason(new Uint8Array([0, 1, 2, 3, 250, 251, 7, 8]), 'image/jpeg', 8)).toMatch(/match no image format webclip knows \(8 bytes\)/);
  });
  it('says a file that starts like an image is broken', () => {
    expect(undecodableReason(new Uint8Array([0x89, ...bytes('PNG\r\n\x1a\n'), 0, 0]), '', 100)).toMatch(/this image\/png file is broken/);
  });
});
