#pragma once
// The accelerator families ftsim knows, by `accelerator.kind`: the one place
// that maps a kind to its implementation (one line per family in
// Registry.cpp).

#include <string>
#include <vector>

#include "families/AcceleratorFamily.h"

namespace ftsim::families {

/// Every family, in registration order.
const std::vector<const AcceleratorFamily*>& all();
/// The kinds of every family, in registration order (the valid values of accelerator.kind).
std::vector<std::string> kinds();
/// The family of `kind`; an InternalError when none has it (load() checked the kind).
const AcceleratorFamily& find(const std::string& kind);
/// The family of a loaded design.
inline const AcceleratorFamily& of(const config::DesignConfig& d) { return find(d.kind); }

/// The resource estimate of a design, by its family.
inline resources::ResourceEstimate estimateResources(const config::DesignConfig& d) {
  return of(d).estimateResources(d);
}

/// "A" or "A and B" or "A, B and C": the titles of the families with `has`.
std::string titlesWith(bool (AcceleratorFamily::*has)() const);

}  // namespace ftsim::families
