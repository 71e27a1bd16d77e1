;; Int8 dot products for the exact top-1 search (gateway/search/exactIndex.ts).
;; dotsI8(matrix, rows, dim, query, out): for each of `rows` rows of `dim` int8 values stored
;; contiguously from `matrix`, writes the int32 dot product with the `dim` int16 values at `query`
;; to out[row]. `dim` must be a positive multiple of 16 (the caller pads with zeros).
;; |value| <= 127 on both sides, so a 512-wide sum stays far below 2^31.
;; Regenerate gateway/search/dotI8Wasm.ts after editing: `npm run gateway:wasm`.
(module
  (memory (export "memory") 1)
  (func (export "dotsI8") (param $matrix i32) (param $rows i32) (param $dim i32) (param $query i32) (param $out i32)
    (local $p i32) (local $end i32) (local $rowEnd i32) (local $q i32) (local $acc0 v128) (local $acc1 v128) (local $v v128)
    (local.set $p (local.get $matrix))
    (local.set $end (i32.add (local.get $matrix) (i32.mul (local.get $rows) (local.get $dim))))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $acc0 (v128.const i32x4 0 0 0 0))
        (local.set $acc1 (v128.const i32x4 0 0 0 0))
        (local.set $rowEnd (i32.add (local.get $p) (local.get $dim)))
        (local.set $q (local.get $query))
        ;; 16 int8 lanes per step, widened to two i16x8 halves; two accumulators hide add latency.
        (loop $dimLoop
          (local.set $v (v128.load (local.get $p)))
          (local.set $acc0 (i32x4.add (local.get $acc0)
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load (local.get $q)))))
          (local.set $acc1 (i32x4.add (local.get $acc1)
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=16 (local.get $q)))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $q (i32.add (local.get $q) (i32.const 32)))
          (br_if $dimLoop (i32.lt_u (local.get $p) (local.get $rowEnd))))
        (local.set $acc0 (i32x4.add (local.get $acc0) (local.get $acc1)))
        (i32.store (local.get $out)
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc0)) (i32x4.extract_lane 1 (local.get $acc0)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc0)) (i32x4.extract_lane 3 (local.get $acc0)))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $rowLoop))))
)
