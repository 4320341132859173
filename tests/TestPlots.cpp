// tools/plot.py renders its three PNGs from a small run (LeNet-5 with a
// timeline) and refuses bad input with exit code 2. It needs Debian's
// python3-matplotlib: without it this test fails, naming the package.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <sys/wait.h>

#include "tests/Harness.h"

using namespace ftsim::test;

namespace {

const std::string kPython = "/usr/bin/python3";
const std::string kPlot = sourceDir() + "/tools/plot.py";

TEST(Plots, RenderThreePngsFromALeNet5Run) {
  const Result mpl = shell(kPython + " -c 'import matplotlib'");
  ASSERT_EQ(mpl.code, 0) << "python3-matplotlib is missing (apt-get install python3-matplotlib; dev.sh installs it): "
                         << mpl.out;
  const std::string dir = tempDir("plots");
  const Result run = shell(std::string(FTSIM_BINARY) + " run " + sourceDir() +
                           "/configs/designs/eftrain-lenet5-zcu102.yaml --quiet --timeline --out " + dir);
  ASSERT_EQ(run.code, 0) << run.out;
  const Result plot = shell(kPython + " " + kPlot + " " + dir);
  ASSERT_EQ(plot.code, 0) << plot.out;
  for (const char* name : {"breakdown.png", "roofline.png", "ddr_bandwidth.png"}) {
    const std::string png = dir + "/" + name;
    ASSERT_TRUE(std::filesystem::exists(png)) << name;
    const std::string bytes = readText(png);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << name;
    EXPECT_GT(bytes.size(), 5000u) << name;
    EXPECT_LE(bytes.size(), 150u * 1024) << name;
  }
}

TEST(Plots, BadInputExitsTwo) {
  const std::string dir = tempDir("plotsbad");
  Result r = shell(kPython + " " + kPlot + " " + dir + "/missing");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("no such directory"), std::string::npos) << r.out;
  r = shell(kPython + " " + kPlot + " " + dir);  // empty directory: no summary.json
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("summary.json: no such file"), std::string::npos) << r.out;
  writeText(dir + "/summary.json", "{not json");
  r = shell(kPython + " " + kPlot + " " + dir);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("not a readable JSON file"), std::string::npos) << r.out;
  r = shell(kPython + " " + kPlot + " --help");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("--plots"), std::string::npos) << r.out;
}

}  // namespace
