# On the device: restores the .xz files pack.ts compressed (Python's lzma: no xz binary needed).
import lzma
import os
import shutil
import sys

root = sys.argv[1]
for folder, _, files in os.walk(root):
    for name in files:
        if not name.endswith('.xz'):
            continue
        src = os.path.join(folder, name)
        dst = src[:-3]
        if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(src):
            continue
        with lzma.open(src) as f, open(dst, 'wb') as g:
            shutil.copyfileobj(f, g, 1 << 22)
        os.chmod(dst, 0o755)
