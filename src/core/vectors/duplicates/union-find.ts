// Union–find over row indices: the duplicate search links rows pair by pair and reads the groups
// (chains of links) at the end.
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
  }

  find(i: number): number {
    const { parent } = this;
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  }

  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
  }

  /** Components of two or more rows; rows ascending, groups in order of their first row. */
  groups(): number[][] {
    const n = this.parent.length;
    const slot = new Int32Array(n).fill(-1);
    const out: number[][] = [];
    for (let i = 0; i < n; i++) {
      const r = this.find(i);
      if (this.size[r]! < 2) continue;
      if (slot[r]! < 0) {
        slot[r] = out.length;
        out.push([]);
      }
      out[slot[r]!]!.push(i);
    }
    return out;
  }
}
