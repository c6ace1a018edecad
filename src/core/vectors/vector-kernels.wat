;; WebAssembly SIMD kernels of vector-index.ts (float32 and int8 rows; layout and loop shape:
;; docs/internals.md#the-vector-index). Build: npm run build:kernels.
(module
  (memory (export "memory") 1 65536)

  ;; Horizontal sums of four f32x4 accumulators: lane r of the result is the sum of a_r's lanes.
  (func $sum4_f32 (param $a0 v128) (param $a1 v128) (param $a2 v128) (param $a3 v128) (result v128)
    (local $s01 v128) (local $s23 v128)
    (local.set $s01
      (f32x4.add
        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
    (local.set $s23
      (f32x4.add
        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a2) (local.get $a3))
        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a2) (local.get $a3))))
    (f32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s01) (local.get $s23))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s01) (local.get $s23))))

  ;; The same for i32x4 accumulators (exact: integer adds).
  (func $sum4_i32 (param $a0 v128) (param $a1 v128) (param $a2 v128) (param $a3 v128) (result v128)
    (local $s01 v128) (local $s23 v128)
    (local.set $s01
      (i32x4.add
        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
    (local.set $s23
      (i32x4.add
        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a2) (local.get $a3))
        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a2) (local.get $a3))))
    (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s01) (local.get $s23))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s01) (local.get $s23))))

  ;; out[i] = dot(query, row i) for i < n. `stride` is in floats, a multiple of 16.
  (func (export "score_f32")
    (param $q i32) (param $rows i32) (param $n i32) (param $stride i32) (param $out i32)
    (local $bytes i32) (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $j i32) (local $i i32) (local $qv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $bytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $r0 (local.get $rows))
    ;; Four rows a step.
    (block $done4
      (loop $rows4
        (br_if $done4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
        (local.set $r1 (i32.add (local.get $r0) (local.get $bytes)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $bytes)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $bytes)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        ;; 16 floats (64 bytes) of each of the four rows a step.
        (loop $cols
          (local.set $qv (v128.load (i32.add (local.get $q) (local.get $j))))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $r0) (local.get $j))))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $r1) (local.get $j))))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $r2) (local.get $j))))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $r3) (local.get $j))))))
          (local.set $qv (v128.load offset=16 (i32.add (local.get $q) (local.get $j))))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $qv) (v128.load offset=16 (i32.add (local.get $r0) (local.get $j))))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $qv) (v128.load offset=16 (i32.add (local.get $r1) (local.get $j))))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $qv) (v128.load offset=16 (i32.add (local.get $r2) (local.get $j))))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $qv) (v128.load offset=16 (i32.add (local.get $r3) (local.get $j))))))
          (local.set $qv (v128.load offset=32 (i32.add (local.get $q) (local.get $j))))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $qv) (v128.load offset=32 (i32.add (local.get $r0) (local.get $j))))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $qv) (v128.load offset=32 (i32.add (local.get $r1) (local.get $j))))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $qv) (v128.load offset=32 (i32.add (local.get $r2) (local.get $j))))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $qv) (v128.load offset=32 (i32.add (local.get $r3) (local.get $j))))))
          (local.set $qv (v128.load offset=48 (i32.add (local.get $q) (local.get $j))))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $qv) (v128.load offset=48 (i32.add (local.get $r0) (local.get $j))))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $qv) (v128.load offset=48 (i32.add (local.get $r1) (local.get $j))))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $qv) (v128.load offset=48 (i32.add (local.get $r2) (local.get $j))))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $qv) (v128.load offset=48 (i32.add (local.get $r3) (local.get $j))))))
          (local.set $j (i32.add (local.get $j) (i32.const 64)))
          (br_if $cols (i32.lt_u (local.get $j) (local.get $bytes))))
        (v128.store (local.get $out)
          (call $sum4_f32 (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $r0 (i32.add (local.get $r3) (local.get $bytes)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows4)))
    ;; The last n % 4 rows, one at a time.
    (block $done1
      (loop $rows1
        (br_if $done1 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (loop $cols1
          (local.set $a0 (f32x4.add (local.get $a0)
            (f32x4.mul (v128.load (i32.add (local.get $q) (local.get $j))) (v128.load (i32.add (local.get $r0) (local.get $j))))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $cols1 (i32.lt_u (local.get $j) (local.get $bytes))))
        (f32.store (local.get $out)
          (f32x4.extract_lane 0
            (call $sum4_f32 (local.get $a0) (local.get $a0) (local.get $a0) (local.get $a0))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $r0 (i32.add (local.get $r0) (local.get $bytes)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows1))))

  ;; out[i] = f32(dot(query codes, row i codes)) * scales[i] * query_scale for i < n.
  ;; The query's int8 codes come widened to i16 (2 × stride bytes), so each row's 8-byte half
  ;; widens in its load (v128.load8x8_s) and meets the query in one i32x4.dot_i16x8_s: no
  ;; overflow for any codes in [-128, 127] and dims up to 2^16. `stride` is in bytes, a multiple
  ;; of 16.
  (func (export "score_i8")
    (param $q i32) (param $qscale f32) (param $rows i32) (param $scales i32) (param $n i32)
    (param $stride i32) (param $out i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $j i32) (local $qj i32) (local $i i32) (local $qlo v128) (local $qhi v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $r0 (local.get $rows))
    (block $done4
      (loop $rows4
        (br_if $done4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
        (local.set $r1 (i32.add (local.get $r0) (local.get $stride)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $stride)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $stride)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (local.set $qj (local.get $q))
        ;; 16 codes of each of the four rows a step.
        (loop $cols
          (local.set $qlo (v128.load (local.get $qj)))
          (local.set $qhi (v128.load offset=16 (local.get $qj)))
          (local.set $a0 (i32x4.add (local.get $a0) (i32x4.add
            (i32x4.dot_i16x8_s (local.get $qlo) (v128.load8x8_s (i32.add (local.get $r0) (local.get $j))))
            (i32x4.dot_i16x8_s (local.get $qhi) (v128.load8x8_s offset=8 (i32.add (local.get $r0) (local.get $j)))))))
          (local.set $a1 (i32x4.add (local.get $a1) (i32x4.add
            (i32x4.dot_i16x8_s (local.get $qlo) (v128.load8x8_s (i32.add (local.get $r1) (local.get $j))))
            (i32x4.dot_i16x8_s (local.get $qhi) (v128.load8x8_s offset=8 (i32.add (local.get $r1) (local.get $j)))))))
          (local.set $a2 (i32x4.add (local.get $a2) (i32x4.add
            (i32x4.dot_i16x8_s (local.get $qlo) (v128.load8x8_s (i32.add (local.get $r2) (local.get $j))))
            (i32x4.dot_i16x8_s (local.get $qhi) (v128.load8x8_s offset=8 (i32.add (local.get $r2) (local.get $j)))))))
          (local.set $a3 (i32x4.add (local.get $a3) (i32x4.add
            (i32x4.dot_i16x8_s (local.get $qlo) (v128.load8x8_s (i32.add (local.get $r3) (local.get $j))))
            (i32x4.dot_i16x8_s (local.get $qhi) (v128.load8x8_s offset=8 (i32.add (local.get $r3) (local.get $j)))))))
          (local.set $qj (i32.add (local.get $qj) (i32.const 32)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $cols (i32.lt_u (local.get $j) (local.get $stride))))
        (v128.store (local.get $out)
          (f32x4.mul
            (f32x4.mul
              (f32x4.convert_i32x4_s (call $sum4_i32 (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)))
              (v128.load (local.get $scales)))
            (f32x4.splat (local.get $qscale))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $scales (i32.add (local.get $scales) (i32.const 16)))
        (local.set $r0 (i32.add (local.get $r3) (local.get $stride)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows4)))
    (block $done1
      (loop $rows1
        (br_if $done1 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (local.set $qj (local.get $q))
        (loop $cols1
          (local.set $a0 (i32x4.add (local.get $a0) (i32x4.add
            (i32x4.dot_i16x8_s (v128.load (local.get $qj)) (v128.load8x8_s (i32.add (local.get $r0) (local.get $j))))
            (i32x4.dot_i16x8_s (v128.load offset=16 (local.get $qj)) (v128.load8x8_s offset=8 (i32.add (local.get $r0) (local.get $j)))))))
          (local.set $qj (i32.add (local.get $qj) (i32.const 32)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $cols1 (i32.lt_u (local.get $j) (local.get $stride))))
        (f32.store (local.get $out)
          (f32.mul
            (f32.mul
              (f32.convert_i32_s (i32x4.extract_lane 0
                (call $sum4_i32 (local.get $a0) (local.get $a0) (local.get $a0) (local.get $a0))))
              (f32.load (local.get $scales)))
            (local.get $qscale)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $scales (i32.add (local.get $scales) (i32.const 4)))
        (local.set $r0 (i32.add (local.get $r0) (local.get $stride)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows1))))
)
