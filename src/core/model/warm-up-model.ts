// The smallest ONNX model (y = Identity(x)), hand-encoded: building it pays onnxruntime's one-time
// start (~2 s) while the real model's files are still being read.

/** A protobuf writer for the few field types an ONNX ModelProto of one node needs. */
class ProtoWriter {
  private readonly bytes: number[] = [];

  varint(field: number, value: number): this {
    this.key(field, 0);
    this.raw(value);
    return this;
  }

  string(field: number, text: string): this {
    return this.message(field, new TextEncoder().encode(text));
  }

  message(field: number, body: Uint8Array): this {
    this.key(field, 2);
    this.raw(body.length);
    this.bytes.push(...body);
    return this;
  }

  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  private key(field: number, wireType: number): void {
    this.raw((field << 3) | wireType);
  }

  private raw(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.bytes.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    this.bytes.push(v);
  }
}

const FLOAT = 1; // TensorProto.DataType.FLOAT

/** ValueInfoProto of a float tensor of shape [1]. */
function floatValue(name: string): Uint8Array {
  const dim = new ProtoWriter().varint(1, 1).done(); // TensorShapeProto.Dimension.dim_value
  const shape = new ProtoWriter().message(1, dim).done(); // TensorShapeProto.dim
  const tensor = new ProtoWriter().varint(1, FLOAT).message(2, shape).done(); // TypeProto.Tensor
  const type = new ProtoWriter().message(1, tensor).done(); // TypeProto.tensor_type
  return new ProtoWriter().string(1, name).message(2, type).done();
}

/** ModelProto (IR 7, opset 13) of one Identity node from input `x` to output `y`. */
export function identityModel(): Uint8Array {
  const node = new ProtoWriter().string(1, 'x').string(2, 'y').string(4, 'Identity').done();
  const graph = new ProtoWriter().message(1, node).string(2, 'warm-up').message(11, floatValue('x')).message(12, floatValue('y')).done();
  const opset = new ProtoWriter().string(1, '').varint(2, 13).done();
  return new ProtoWriter().varint(1, 7).message(7, graph).message(8, opset).done();
}
