#pragma once
// The HLS-synthesizable subset, enforced by the compiler. Included by the
// translation unit that instantiates every kernel (KernelInstances.cpp) after
// the few standard headers kernels may use and before the kernel headers:
// from here on any use of these identifiers is a compile error. The rules and
// the reason behind each are in docs/hls-subset.md.
//
// Never include this from code that is not a kernel: poisoning is per
// translation unit and lasts to its end.

#include <cmath>
#include <cstdint>

// Heap: an FPGA has no allocator; every buffer is a fixed array.
#pragma GCC poison malloc calloc realloc free aligned_alloc new delete
// Exceptions and RTTI: no unwinding on the fabric (the target also builds
// with -fno-exceptions -fno-rtti).
#pragma GCC poison throw try catch typeid dynamic_cast
// Virtual calls: no function pointers in hardware.
#pragma GCC poison virtual
// STL containers: dynamic size, hidden allocation.
#pragma GCC poison vector map unordered_map set unordered_set list deque string
// fp64: the datapath is fp32 (a double would silently double the DSPs).
#pragma GCC poison double
