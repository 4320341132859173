// The same inputs and seed give the same bytes: every file of a run's output
// set, the timeline and the functional outputs included. The only
// run-specific bytes are summary.json's `simulator.wall_seconds` (host time)
// and, because it checksums summary.json, that file's entry in the set's
// manifest; both are normalised here and nothing else is.
//
// The other two determinism contracts have their own tests, not repeated
// here: `sweep --jobs 1` vs `--jobs 2` (SweepRun.JobsOneAndTwoGiveByteIdenticalResultsEqualToDirectRuns)
// and functional on vs off (the FunctionalTiming.* ctest entries run
// tests/functional/same_timing.py: layers.csv byte-identical, summary.json
// equal apart from "functional" and "simulator").

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "tests/Harness.h"

using namespace ftsim::test;
using Json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* const kManifest = "ftsim-run.manifest.json";

/// Every regular file of an output set, with the run-specific bytes
/// normalised (see the top of this file).
std::map<std::string, std::string> normalisedSet(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = readText(e.path().string());
  if (files.count("summary.json")) {
    Json s = Json::parse(files["summary.json"]);
    EXPECT_TRUE(s.contains("simulator"));
    s.erase("simulator");
    files["summary.json"] = s.dump(1);
  }
  if (files.count(kManifest)) {
    Json m = Json::parse(files[kManifest]);
    for (Json& f : m["files"])
      if (f["path"] == "summary.json") f.erase("bytes"), f.erase("fnv1a64");
    files[kManifest] = m.dump(1);
  }
  return files;
}

std::string runInto(const std::string& dir, const std::string& seed) {
  const std::string design = sourceDir() + "/configs/designs/eftrain-lenet5-zcu102.yaml";
  const Result r = runFtsim("run " + design + " --quiet --timeline --functional --activations --seed " + seed +
                            " --out " + dir);
  EXPECT_EQ(r.code, 0) << r.out;
  return dir;
}

TEST(Determinism, TwoRunsWithTheSameSeedGiveTheSameOutputSet) {
  const auto a = normalisedSet(runInto(tempDir("a"), "3"));
  const auto b = normalisedSet(runInto(tempDir("b"), "3"));
  // The set is what the run writes: timing, timeline and functional files.
  for (const char* f : {"summary.json", "layers.csv", "timeline.json", "loss.npy", kManifest})
    EXPECT_TRUE(a.count(f)) << f;
  std::size_t weights = 0, activations = 0;
  for (const auto& [name, text] : a) {
    weights += name.rfind("weights/", 0) == 0;
    activations += name.rfind("activations/", 0) == 0;
  }
  EXPECT_GT(weights, 0u);
  EXPECT_GT(activations, 0u);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, text] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_TRUE(text == b.at(name)) << name << " differs between two runs";
  }
}

// The comparison above is not blind: another seed draws other initial
// weights, and the files that hold values differ (the timing does not).
TEST(Determinism, AnotherSeedChangesTheFunctionalFiles) {
  const auto a = normalisedSet(runInto(tempDir("a"), "3"));
  const auto b = normalisedSet(runInto(tempDir("b"), "4"));
  EXPECT_NE(a.at("loss.npy"), b.at("loss.npy"));
  EXPECT_NE(a.at("weights/conv1.weight.npy"), b.at("weights/conv1.weight.npy"));
  EXPECT_EQ(a.at("layers.csv"), b.at("layers.csv"));
}

}  // namespace
