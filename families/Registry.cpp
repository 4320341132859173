#include "families/Registry.h"

#include "families/eftrain/EfTrainFamily.h"
#include "families/tt/TtFamily.h"
#include "sim/core/Error.h"

namespace ftsim::families {

const std::vector<const AcceleratorFamily*>& all() {
  static const std::vector<const AcceleratorFamily*> families = {
      &eftrain::family(),
      &tt::family(),
  };
  return families;
}

std::vector<std::string> kinds() {
  std::vector<std::string> k;
  for (const AcceleratorFamily* f : all()) k.emplace_back(f->kind());
  return k;
}

const AcceleratorFamily& find(const std::string& kind) {
  for (const AcceleratorFamily* f : all())
    if (kind == f->kind()) return *f;
  throw InternalError("no accelerator family of kind '" + kind + "'");
}

std::string titlesWith(bool (AcceleratorFamily::*has)() const) {
  std::vector<std::string> t;
  for (const AcceleratorFamily* f : all())
    if ((f->*has)()) t.emplace_back(f->title());
  std::string s;
  for (std::size_t i = 0; i < t.size(); ++i) s += (i == 0 ? "" : i + 1 == t.size() ? " and " : ", ") + t[i];
  return s;
}

}  // namespace ftsim::families
