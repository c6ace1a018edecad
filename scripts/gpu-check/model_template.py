# The full-size ViT-B/32's ONNX graphs without their weights, for a device run: the graphs are
# exported here (the exporter this repository's fixtures are made with) and the device's PyTorch
# fills each removed weight from its own seeded model (device_model.py). 600 MB of fp32 weights
# cannot travel in a 64 MiB call; a graph of a few MB and a name map can.
import argparse
import json
import os
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'fixtures'))

import bpe_tokenizer  # noqa: E402
import clip_model  # noqa: E402
import export_clip  # noqa: E402

# A second seed shows which initializers depend on the weights: every one that does must be a
# parameter (or its transpose) the device can recreate, or the filled graph would be wrong.
OTHER_SEED = export_clip.SEED + 7919


def export_towers(config, tok, seed, folder):
    vision, text = clip_model.build(config, seed)
    pix = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(seed))
    # as export_clip.py: not 77 long, so that a length frozen into the graph would show
    ids = torch.tensor([export_clip.unpadded(tok.hf_ids('a photo of a cat'), tok.eos_id)], dtype=torch.int64)
    batch, batch_seq = {0: 'batch_size'}, {0: 'batch_size', 1: 'sequence_length'}
    graphs = {}
    for name, module, example, inp, outp, axes in (
            ('vision_model', vision, pix, 'pixel_values', 'image_embeds', batch),
            ('text_model', text, ids, 'input_ids', 'text_embeds', batch_seq)):
        graphs[name] = export_clip.export_onnx(module, example, os.path.join(folder, f'{name}.onnx'),
                                               inp, outp, axes)
    return {'vision_model': vision, 'text_model': text}, graphs


def param_index(module):
    """Parameters by a fingerprint of their values, as stored and transposed."""
    index = {}
    for pname, p in module.state_dict().items():
        a = p.detach().numpy()
        index.setdefault((a.shape, a.tobytes()), (pname, False))
        if a.ndim == 2:
            t = np.ascontiguousarray(a.T)
            index.setdefault((t.shape, t.tobytes()), (pname, True))
    return index


def source_of(module, pname, transpose):
    a = module.state_dict()[pname].detach().numpy()
    return np.ascontiguousarray(a.T) if transpose else a


def template(graph_a, graph_b, module_a, module_b):
    """graph_a with every weight-derived initializer emptied, and where each comes from."""
    index = param_index(module_a)
    inits_b = {t.name: numpy_helper.to_array(t) for t in graph_b.graph.initializer}
    weights = {}
    out = onnx.ModelProto()
    out.CopyFrom(graph_a)
    for t in out.graph.initializer:
        a = numpy_helper.to_array(t)
        b = inits_b[t.name]
        hit = index.get((a.shape, np.ascontiguousarray(a).tobytes()))
        if hit is None:
            assert np.array_equal(a, b), f'{t.name} depends on the weights but is no parameter'
            continue
        pname, transpose = hit
        assert np.array_equal(source_of(module_b, pname, transpose), b), f'{t.name} maps differently'
        weights[t.name] = {'param': pname, 'transpose': transpose, 'dims': list(t.dims)}
        t.ClearField('raw_data')
        t.ClearField('float_data')
    return out, weights


def main():
    ap = argparse.ArgumentParser(description='Weight-free ONNX graphs of a random CLIP for a device run.')
    ap.add_argument('--config', choices=sorted(export_clip.CONFIGS), default='vit-b-32')
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    cfg = export_clip.CONFIGS[args.config]
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    tok = bpe_tokenizer.ClipBPE(export_clip.BPE_PATH, cfg['merges'])
    tok.write_hf_files(out)
    config = export_clip.hf_config(cfg, tok)
    export_clip.write_json(os.path.join(out, 'config.json'), config)
    export_clip.write_json(os.path.join(out, 'preprocessor_config.json'), export_clip.PREPROCESSOR)

    with tempfile.TemporaryDirectory() as a_dir, tempfile.TemporaryDirectory() as b_dir:
        modules_a, graphs_a = export_towers(config, tok, export_clip.SEED, a_dir)
        modules_b, graphs_b = export_towers(config, tok, OTHER_SEED, b_dir)
    manifest = {'config': args.config, 'seed': export_clip.SEED, 'torch': torch.__version__,
                'onnx': onnx.__version__, 'towers': {}}
    for name in ('vision_model', 'text_model'):
        graph, weights = template(graphs_a[name], graphs_b[name], modules_a[name], modules_b[name])
        export_clip.save_onnx(graph, os.path.join(out, f'{name}.template.onnx'))
        manifest['towers'][name] = weights
        kept = sum(numpy_helper.to_array(t).size for t in graph.graph.initializer if t.name not in weights)
        print(f'{name}: {len(weights)} weights to fill on the device, {kept} constant values kept')
    export_clip.write_json(os.path.join(out, 'weights.json'), manifest)


if __name__ == '__main__':
    main()
