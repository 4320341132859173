#include "sim/schedule/StepGen.h"

#include <algorithm>

#include "sim/core/Error.h"

namespace ftsim::schedule {

namespace {

int floorDiv(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int ceilDivInt(int a, int b) { return -floorDiv(-a, b); }

/// A box over an activation tensor for image `img`, channels [c0, c1) and
/// output-space rows/cols. With the batch as the width (FC layouts), the
/// columns are images and the map is 1×1.
TileRef actBox(const Program& prog, int tensor, bool batchAsWidth, int img, int c0, int c1, int h0,
               int h1, int w0, int w1, int images = 1) {
  TileRef t;
  t.tensor = tensor;
  const TensorDesc& d = prog.tensors[tensor];
  if (!batchAsWidth) {
    t.lo = {img, c0, h0, w0};
    t.hi = {img + images, c1, h1, w1};
    return t;
  }
  // Feature group [c0, c1) of the flattened (c, h, w) vector, images [w0, w1).
  const int hw = d.dims[2] * d.dims[3];
  if (hw == 1) {
    t.lo = {w0, c0, 0, 0};
    t.hi = {w1, c1, 1, 1};
    return t;
  }
  // Flattened features are ordered (c/G, h, w, c%G): a G-aligned feature group
  // is one pixel of one channel group.
  const int g = d.group;
  FTSIM_ASSERT(c0 % g == 0 && c1 - c0 <= g, "feature tile must be one channel group");
  const int fg = c0 / g;
  const int cg = fg / hw, pix = fg % hw;
  t.lo = {w0, cg * g, pix / d.dims[3], pix % d.dims[3]};
  t.hi = {w1, cg * g + (c1 - c0), pix / d.dims[3] + 1, pix % d.dims[3] + 1};
  return t;
}

TileRef weightBox(int tensor, int m0, int m1, int n0, int n1, int k) {
  TileRef t;
  t.tensor = tensor;
  t.lo = {m0, n0, 0, 0};
  t.hi = {m1, n1, k, k};
  return t;
}

/// The weights of a grouped conv are [M][N/G][K][K]: the box of layer outputs
/// [a0, a1) × layer inputs [b0, b1) covers, in the tensor's local input
/// channels, every group's part of [b0, b1), widened to whole blocks along
/// the input side (Gn = Tn local inputs: TensorDesc::groupN), so that a
/// transfer moves whole blocks. (Widening by Gm = Tm instead made each Tn
/// step of a 64×7 array move 64 local inputs, one block cut in ≤4-word runs.)
TileRef groupedWeightBox(const Program& prog, int tensor, int layerOutPerGroup, int layerInPerGroup, int a0, int a1,
                         int b0, int b1, int k) {
  int lo = layerInPerGroup, hi = 0;
  for (int g = a0 / layerOutPerGroup; g * layerOutPerGroup < a1; ++g) {
    const int l0 = std::max(b0, g * layerInPerGroup) - g * layerInPerGroup;
    const int l1 = std::min(b1, (g + 1) * layerInPerGroup) - g * layerInPerGroup;
    if (l1 <= l0) continue;
    lo = std::min(lo, l0);
    hi = std::max(hi, l1);
  }
  FTSIM_ASSERT(hi > lo, "a grouped weight tile with no weights");
  const int G = prog.tensors[tensor].groupN;
  lo = lo / G * G;
  hi = std::min(layerInPerGroup, (hi + G - 1) / G * G);
  return weightBox(tensor, a0, a1, lo, hi, k);
}

DmaOp op(TileRef tile, OpKind kind, int lanes, std::uint64_t modelPixels) {
  DmaOp o;
  o.tile = tile;
  o.kind = kind;
  o.lanes = static_cast<std::uint32_t>(lanes);
  o.modelPixels = modelPixels;
  return o;
}

void macSteps(const Program& prog, const PhasePlan& p, LoadPlan loads, std::vector<Step>& out) {
  const MacProblem& m = p.mac;
  const MacTiling& t = p.tiling;
  const int k = m.kernel;
  const int k2 = k * k;
  const bool bp = p.phase == Phase::BP;
  const bool wu = p.phase == Phase::WU;
  // The weight tensor is (M, N) of the layer; in BP the phase's output
  // channels are the layer's N and its input channels the layer's M.
  const auto wbox = [&](int o0, int o1, int i0, int i1) {
    if (m.groups > 1)
      return bp ? groupedWeightBox(prog, p.tWeights, m.inPerGroup, m.outPerGroup, i0, i1, o0, o1, k)
                : groupedWeightBox(prog, p.tWeights, m.outPerGroup, m.inPerGroup, o0, o1, i0, i1, k);
    return bp ? weightBox(p.tWeights, i0, i1, o0, o1, k) : weightBox(p.tWeights, o0, o1, i0, i1, k);
  };
  const auto wop = [&](int o0, int o1, int i0, int i1) {
    const TileRef box = wbox(o0, o1, i0, i1);
    return op(box, OpKind::Weights, (box.hi[0] - box.lo[0]) * (box.hi[1] - box.lo[1]), k2);
  };
  const int lastImage = m.images - 1;
  const bool hls = loads == LoadPlan::Hls;
  // WU over a map that one strip covers: acc()'s `custom_Tr >= R` branch,
  // whose ping-pong loop runs over the Tn groups of a Tm group.
  const bool wuOneStrip = wu && t.tr >= m.outH && t.tc >= m.outW;

  for (int c0 = 0; c0 < m.outCh; c0 += t.mOn) {
    const int c1 = std::min(m.outCh, c0 + t.mOn);
    for (int img = 0; img < m.images; ++img) {
      for (int g0 = c0; g0 < c1; g0 += t.tm) {
        const int g1 = std::min(c1, g0 + t.tm);
        // A grouped conv's Tm group reads only its groups' input channels.
        const ChannelSpan span = inputSpan(m, g0, g1, t.tn);
        if (!wu) {
          // FP/BP: Tm group → row strip → column tile → Tn group.
          for (int r0 = 0; r0 < m.outH; r0 += t.tr) {
            const int r1 = std::min(m.outH, r0 + t.tr);
            const Window rw = m.batchAsWidth ? Window{0, 1, 1} : rowWindow(m, bp, r0, r1);
            for (int x0 = 0; x0 < m.outW; x0 += t.tc) {
              const int x1 = std::min(m.outW, x0 + t.tc);
              const Window cw = m.batchAsWidth ? Window{x0, x1, x1 - x0} : columnWindow(m, bp, x0, x1);
              const int pixels = (r1 - r0) * (x1 - x0);
              for (int n0 = span.lo; n0 < span.hi; n0 += t.tn) {
                const int n1 = std::min(span.hi, n0 + t.tn);
                const bool lastN = n0 + t.tn >= span.hi;
                Step s;
                s.coord = MacCoord{img, g0, g1, n0, n1, r0, r1, x0, x1};
                s.mode = bp ? ComputeMode::Bp : ComputeMode::Fp;
                s.pre[static_cast<int>(Stream::In)] =
                    op(actBox(prog, p.tIn, m.batchAsWidth, img, n0, n1, rw.lo, rw.hi, cw.lo, cw.hi),
                       OpKind::Ifm, n1 - n0, static_cast<std::uint64_t>(rw.padded) * cw.padded);
                // A resident slab is loaded once per chunk (first image,
                // first strip); otherwise every step brings its tile. The
                // HLS top's BP brings the whole M_on×Tn slab of an input
                // group with the first Tm group (acc(): `ba==0 && row==0 &&
                // (state[1]==1 || to==0)`; LOAD_Weights loops over every Tm).
                if (!t.weightsResident) {
                  s.pre[static_cast<int>(Stream::WeightIn)] = wop(g0, g1, n0, n1);
                } else if (img == 0 && r0 == 0 && x0 == 0) {
                  // A grouped conv's Tm groups read different input spans,
                  // so each brings its own part (the slab of the first
                  // group's span would leave the others' weights out).
                  if (hls && bp && m.groups == 1) {
                    if (g0 == c0) s.pre[static_cast<int>(Stream::WeightIn)] = wop(c0, c1, n0, n1);
                  } else {
                    s.pre[static_cast<int>(Stream::WeightIn)] = wop(g0, g1, n0, n1);
                  }
                }
                // acc(): one ping-pong loop over the Tn groups of a strip;
                // the strip's store waits for the next strip's last FIRE,
                // the image's last store runs after its Tm loop.
                s.groupStart = n0 == span.lo;
                s.scopeEnd = lastN && g1 == c1 && r1 == m.outH && x1 == m.outW;
                s.iterations = static_cast<std::uint64_t>(pixels) * k2;
                s.dependenceDistance = static_cast<std::uint32_t>(pixels);
                s.macs = s.iterations * groupPairs(m, g0, g1, n0, n1);
                if (lastN)
                  s.post[static_cast<int>(Stream::Out)] =
                      op(actBox(prog, p.tOut, m.batchAsWidth, img, g0, g1, r0, r1, x0, x1), OpKind::Ofm,
                         g1 - g0, static_cast<std::uint64_t>(pixels));
                out.push_back(s);
              }
            }
          }
        } else {
          // WU: Tm group → Tn group → row strip → column tile; dW of the
          // (Tm, Tn) pair accumulates in the weight buffer over the batch.
          for (int n0 = span.lo; n0 < span.hi; n0 += t.tn) {
            const int n1 = std::min(span.hi, n0 + t.tn);
            const bool lastN = n0 + t.tn >= span.hi;
            for (int r0 = 0; r0 < m.outH; r0 += t.tr) {
              const int r1 = std::min(m.outH, r0 + t.tr);
              const Window rw = m.batchAsWidth ? Window{0, 1, 1} : rowWindow(m, bp, r0, r1);
              for (int x0 = 0; x0 < m.outW; x0 += t.tc) {
                const int x1 = std::min(m.outW, x0 + t.tc);
                const Window cw = m.batchAsWidth ? Window{x0, x1, x1 - x0} : columnWindow(m, bp, x0, x1);
                const int pixels = (r1 - r0) * (x1 - x0);
                Step s;
                s.coord = MacCoord{img, g0, g1, n0, n1, r0, r1, x0, x1};
                s.mode = ComputeMode::Wu;
                s.pre[static_cast<int>(Stream::In)] =
                    op(actBox(prog, p.tIn, m.batchAsWidth, img, n0, n1, rw.lo, rw.hi, cw.lo, cw.hi),
                       OpKind::Ifm, n1 - n0, static_cast<std::uint64_t>(rw.padded) * cw.padded);
                if (!(hls && wuOneStrip && n0 > span.lo))
                  s.pre[static_cast<int>(Stream::In2)] =
                      op(actBox(prog, p.tIn2, m.batchAsWidth, img, g0, g1, r0, r1, x0, x1), OpKind::OutGrad,
                         g1 - g0, static_cast<std::uint64_t>(pixels));
                // acc(), WU: with one strip the ping-pong loop runs over the
                // Tn groups and Weights_STORE follows each FIRE on the same
                // bank; with several strips it runs over the strips of a
                // (Tm, Tn) pair and the pair's Weights_STORE overlaps the
                // next pair's last FIRE, the Tm group's last one runs alone.
                s.groupStart = wuOneStrip ? n0 == span.lo : (r0 == 0 && x0 == 0);
                s.storeAfterCompute = wuOneStrip;
                s.scopeEnd = lastN && r1 == m.outH && x1 == m.outW;
                s.iterations = static_cast<std::uint64_t>(pixels) * k2;
                s.dependenceDistance = static_cast<std::uint32_t>(k2);
                s.macs = s.iterations * groupPairs(m, g0, g1, n0, n1);
                if (img == lastImage && r1 == m.outH && x1 == m.outW) {
                  // w − lr·ΣdW: old weights stream in while the new ones stream out.
                  DmaOp update = wop(g0, g1, n0, n1);
                  update.kind = OpKind::WeightUpdate;
                  s.post[static_cast<int>(Stream::WeightIn)] = update;
                  s.post[static_cast<int>(Stream::WeightOut)] = update;
                }
                out.push_back(s);
              }
            }
          }
        }
      }
    }
  }
}

void vecSteps(const Program& prog, const PhasePlan& p, std::vector<Step>& out) {
  const VecProblem& v = p.vec;
  for (const VecPass& pass : v.passes) {
    if (pass.op == VecOp::ParamUpdate) {
      // γ and β stream in and out once; 2·C words.
      const TensorDesc& d = prog.tensors[pass.in];
      Step s;
      s.mode = ComputeMode::Vector;
      TileRef box;
      box.tensor = pass.in;
      box.lo = {0, 0, 0, 0};
      box.hi = {d.dims[0], d.dims[1], d.dims[2], d.dims[3]};
      const std::uint64_t words = box.elements();
      // Modelled as 16-word pixels, so ⌈16/DMAp⌉ beats carry 16 words.
      s.pre[static_cast<int>(Stream::WeightIn)] = op(box, OpKind::VecIn, 16, ceilDiv(words, 16));
      box.tensor = pass.out;
      s.post[static_cast<int>(Stream::WeightOut)] = op(box, OpKind::VecOut, 16, ceilDiv(words, 16));
      s.iterations = ceilDiv(words, static_cast<std::uint64_t>(v.lanes));
      out.push_back(s);
      continue;
    }
    // Channels per step: the layout's group, widened to whole groups that
    // fill the vector lanes where the group is narrower (Tm ≠ Tn: gcd(Tm, Tn)).
    // A flattened FC map is read one group at a time (actBox).
    const int layoutGroup = pass.in >= 0 ? prog.tensors[pass.in].group : 16;
    const int group = v.batchAsWidth ? layoutGroup : layoutGroup * std::max(1, v.lanes / layoutGroup);
    // A concat's copy pass moves its input's channels, not the layer's first input's.
    const int channels = pass.out >= 0 && prog.tensors[pass.out].isView() ? prog.tensors[pass.out].dims[1] : v.channels;
    const int bStep = std::max(1, v.imagesPerStep);
    for (int img = 0; img < v.images; img += bStep) {
      const int nImg = std::min(bStep, v.images - img);
      for (int c0 = 0; c0 < channels; c0 += group) {
        const int c1 = std::min(channels, c0 + group);
        for (int r0 = 0; r0 < v.outH; r0 += v.tr) {
          const int r1 = std::min(v.outH, r0 + v.tr);
          Step s;
          s.mode = ComputeMode::Vector;
          const int w = v.outW;
          // Each pixel takes ⌈channels/lanes⌉ cycles on the vector path.
          const std::uint64_t passesPerPixel =
              ceilDiv(static_cast<std::uint64_t>(c1 - c0), v.lanes) * static_cast<std::uint64_t>(nImg);
          const auto box = [&](int tensor, int h0, int h1, int w0, int w1) {
            return actBox(prog, tensor, v.batchAsWidth, img, c0, c1, h0, h1, w0, w1, nImg);
          };
          if (v.batchAsWidth) {
            // Vectors: one step per channel group covers the whole batch.
            const std::uint64_t px = static_cast<std::uint64_t>(v.outW);
            s.pre[static_cast<int>(Stream::In)] = op(box(pass.in, 0, 1, 0, v.outW), OpKind::VecIn, c1 - c0, px);
            if (pass.in2 >= 0)
              s.pre[static_cast<int>(Stream::In2)] = op(box(pass.in2, 0, 1, 0, v.outW), OpKind::VecIn, c1 - c0, px);
            if (pass.out >= 0)
              s.post[static_cast<int>(Stream::Out)] = op(box(pass.out, 0, 1, 0, v.outW), OpKind::VecOut, c1 - c0, px);
            s.iterations = px * passesPerPixel;
            out.push_back(s);
            continue;
          }
          switch (pass.op) {
            case VecOp::Copy:
            case VecOp::Reduce: {
              const std::uint64_t px = static_cast<std::uint64_t>(r1 - r0) * w;
              s.pre[static_cast<int>(Stream::In)] = op(box(pass.in, r0, r1, 0, w), OpKind::VecIn, c1 - c0, px * nImg);
              if (pass.in2 >= 0)
                s.pre[static_cast<int>(Stream::In2)] = op(box(pass.in2, r0, r1, 0, w), OpKind::VecIn, c1 - c0, px * nImg);
              if (pass.out >= 0)
                s.post[static_cast<int>(Stream::Out)] = op(box(pass.out, r0, r1, 0, w), OpKind::VecOut, c1 - c0, px * nImg);
              s.iterations = px * passesPerPixel;
              break;
            }
            case VecOp::Pool: {
              const Window rw = forwardWindow(r0, r1, v.stride, v.padTop, v.kernel, v.inH);
              const Window cw = forwardWindow(0, v.outW, v.stride, v.padLeft, v.kernel, v.inW);
              const std::uint64_t inPx = static_cast<std::uint64_t>(rw.padded) * cw.padded;
              const std::uint64_t outPx = static_cast<std::uint64_t>(r1 - r0) * v.outW;
              s.pre[static_cast<int>(Stream::In)] =
                  op(box(pass.in, rw.lo, rw.hi, cw.lo, cw.hi), OpKind::VecIn, c1 - c0, inPx * nImg);
              s.post[static_cast<int>(Stream::Out)] = op(box(pass.out, r0, r1, 0, v.outW), OpKind::VecOut, c1 - c0, outPx * nImg);
              s.iterations = static_cast<std::uint64_t>(rw.hi - rw.lo) * (cw.hi - cw.lo) * passesPerPixel;
              break;
            }
            case VecOp::PoolGrad: {
              // dY rows [r0, r1) scatter into dX rows [r0·S − P, r1·S − P);
              // strips partition dX (the last one runs to the bottom edge).
              const int d0 = std::max(0, r0 * v.stride - v.padTop);
              const int d1 = r1 == v.outH ? v.inH : std::min(v.inH, r1 * v.stride - v.padTop);
              const std::uint64_t dyPx = static_cast<std::uint64_t>(r1 - r0) * v.outW;
              const std::uint64_t dxPx = static_cast<std::uint64_t>(d1 - d0) * v.inW;
              s.pre[static_cast<int>(Stream::In)] = op(box(pass.in, r0, r1, 0, v.outW), OpKind::VecIn, c1 - c0, dyPx * nImg);
              if (pass.in2 >= 0)
                s.pre[static_cast<int>(Stream::In2)] =
                    op(box(pass.in2, d0, d1, 0, v.inW), OpKind::VecIn, c1 - c0, dxPx * nImg);
              s.post[static_cast<int>(Stream::Out)] = op(box(pass.out, d0, d1, 0, v.inW), OpKind::VecOut, c1 - c0, dxPx * nImg);
              s.iterations = dxPx * passesPerPixel;
              break;
            }
            case VecOp::ParamUpdate:
              break;
          }
          out.push_back(s);
        }
      }
    }
  }
}

}  // namespace

Window forwardWindow(int o0, int o1, int stride, int padBefore, int kernel, int inExtent) {
  Window w;
  const int first = o0 * stride - padBefore;
  const int last = (o1 - 1) * stride - padBefore + kernel;  // exclusive
  w.padded = last - first;
  w.lo = std::max(0, first);
  w.hi = std::min(inExtent, last);
  if (w.hi < w.lo) w.hi = w.lo;
  return w;
}

Window transposedWindow(int o0, int o1, int stride, int padBefore, int kernel, int inExtent) {
  // dX[h] += dY[r]·W[kh] where r·S − P + kh = h (P: the padding before row 0).
  Window w;
  w.padded = (o1 - o0) + kernel - 1;
  w.lo = std::max(0, ceilDivInt(o0 + padBefore - kernel + 1, stride));
  w.hi = std::min(inExtent, floorDiv(o1 - 1 + padBefore, stride) + 1);
  if (w.hi < w.lo) w.hi = w.lo;
  return w;
}

Window rowWindow(const MacProblem& m, bool transposed, int o0, int o1) {
  return transposed ? transposedWindow(o0, o1, m.stride, m.padTop, m.kernel, m.inH)
                    : forwardWindow(o0, o1, m.stride, m.padTop, m.kernel, m.inH);
}

Window columnWindow(const MacProblem& m, bool transposed, int x0, int x1) {
  if (transposed) {
    Window w = transposedWindow(x0, x1, m.stride, m.padLeft, m.kernel, m.inW);
    if (x0 == 0 && x1 == m.outW) {
      w.lo = 0;
      w.hi = m.inW;
    }
    return w;
  }
  Window w = forwardWindow(x0, x1, m.stride, m.padLeft, m.kernel, m.inW);
  if (x0 == 0 && x1 == m.outW) {
    const int first = -m.padLeft;
    const int last = (m.outW - 1) * m.stride - m.padLeft + m.kernel;
    w.lo = 0;
    w.hi = m.inW;
    w.padded = std::max(last, m.inW) - std::min(first, 0);
  }
  return w;
}

std::int64_t inputWindowWords(const MacProblem& m, bool transposed, int tr, int tc) {
  if (m.batchAsWidth) return tc;
  return static_cast<std::int64_t>(rowWindow(m, transposed, 0, tr).padded) * columnWindow(m, transposed, 0, tc).padded;
}

void generateSteps(const Program& program, const PhasePlan& plan, std::vector<Step>& out, LoadPlan loads) {
  out.clear();
  switch (plan.unit) {
    case Unit::PeArray:
      macSteps(program, plan, loads, out);
      break;
    case Unit::Vector:
      vecSteps(program, plan, out);
      break;
    case Unit::Host: {
      Step s;
      s.mode = ComputeMode::Host;
      s.iterations = plan.hostCycles.value();
      out.push_back(s);
      break;
    }
  }
}

}  // namespace ftsim::schedule
