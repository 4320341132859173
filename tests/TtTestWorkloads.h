#pragma once
// Small TT workloads shared by the TT functional tests.

namespace ftsim::test {

// A small encoder layer: TT projections, two-head attention, residual adds,
// layer norms, GELU, TT feed-forward. d_model 8 = 2·4 (two heads of 4), 4
// positions, FFN 16; batch 1.
inline constexpr const char* kTtEncoder = R"(workload:
  name: enc
  batch: 1
  input: {channels: 8, height: 1, width: 4}
  layers:
    - {name: q, type: tt_linear, input: image, tt_format: tt, out_modes: [2, 4], in_modes: [4, 2], rank: 3}
    - {name: k, type: tt_linear, input: image, tt_format: tt, out_modes: [2, 4], in_modes: [4, 2], rank: 3}
    - {name: v, type: tt_linear, input: image, tt_format: tt, out_modes: [2, 4], in_modes: [4, 2], rank: 3}
    - {name: attn, type: attention, inputs: [q, k, v], heads: 2}
    - {name: o, type: tt_linear, tt_format: tt, out_modes: [2, 4], in_modes: [4, 2], rank: 3}
    - {name: res1, type: add, inputs: [o, image]}
    - {name: ln1, type: layernorm}
    - {name: ffn1, type: tt_linear, tt_format: tt, out_modes: [4, 4], in_modes: [4, 2], rank: 3}
    - {name: gelu, type: gelu}
    - {name: ffn2, type: tt_linear, tt_format: tt, out_modes: [2, 4], in_modes: [4, 4], rank: 3}
    - {name: res2, type: add, inputs: [ffn2, ln1]}
    - {name: ln2, type: layernorm}
)";
}  // namespace ftsim::test
