#pragma once
// The files of one command's run, committed to its output directory as one
// set: every file is written into a private staging directory inside the
// output directory, synced to disk, and moved into place under an exclusive
// lock of the directory, the set's manifest removed first and written last.
// A reader that finds the manifest finds exactly the files it lists, from
// one run (docs/outputs.md). A run that fails or is
// interrupted before commit() leaves the directory as it was, and removes
// the directories it created for the set when they are still empty.

#include <string>
#include <vector>

namespace ftsim::traces {

class OutputSet {
 public:
  /// Create `dir` (and its parents), prove it writable (a probe file created
  /// and removed), remove the staging directories of dead processes, and
  /// create this run's staging directory. `setName` names the manifest
  /// (`ftsim-<setName>.manifest.json`), so the sets of different commands
  /// sharing a directory stay apart. A UserError naming `flag`, the
  /// directory and the system's reason when the directory is not writable.
  OutputSet(std::string dir, std::string setName, const std::string& flag = "--out");
  /// Removes the staging directory unless committed, then the directories
  /// the constructor created (the output directory and any parents it made),
  /// those that are empty: a failed run leaves no empty directory behind.
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  /// The output directory, as given.
  const std::string& dir() const { return m_dir; }
  /// Where this run writes its files before commit().
  const std::string& staging() const { return m_staging; }
  std::string staged(const std::string& name) const { return m_staging + "/" + name; }
  /// The manifest's file name in dir().
  std::string manifestName() const { return "ftsim-" + m_setName + ".manifest.json"; }

  /// Sync every staged file, then move the staged entries into dir(), drop
  /// the entries of the previous set of the same name that this run did not
  /// write, and write the manifest last. Throws UserError when a file cannot
  /// be moved (the manifest is then absent: the directory holds no complete set).
  void commit();

  /// The staging directory name of process `pid` on this host.
  static std::string stagingName(long pid);
  /// The staging directory this process will use in `dir`.
  static std::string stagingPath(const std::string& dir);

 private:
  void open(const std::string& flag);
  void removeCreated() const;

  std::string m_dir;
  std::string m_setName;
  std::string m_staging;
  /// The directories the constructor created, innermost first.
  std::vector<std::string> m_created;
  bool m_committed = false;
};

}  // namespace ftsim::traces
