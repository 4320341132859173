#include "sim/core/Log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "sim/core/Error.h"

namespace ftsim::log {

namespace {

std::function<std::string()>& timeSource() {
  static std::function<std::string()> f;
  return f;
}

class SimTimeFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string t = timeSource() ? timeSource()() : std::string("-");
    dest.append(t.data(), t.data() + t.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SimTimeFlag>(); }
};

spdlog::level::level_enum& currentLevel() {
  static spdlog::level::level_enum l = spdlog::level::warn;
  return l;
}

}  // namespace

std::shared_ptr<spdlog::logger> get(const std::string& name) {
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = spdlog::stderr_color_mt(name);
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<SimTimeFlag>('*').set_pattern("[%*] [%n] %l: %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(currentLevel());
  return logger;
}

void setLevel(const std::string& level) {
  const auto l = spdlog::level::from_str(level);
  if (l == spdlog::level::off && level != "off")
    throw UserError("--log-level " + level + ": must be one of trace, debug, info, warn, error, off");
  currentLevel() = l;
  spdlog::apply_all([l](const std::shared_ptr<spdlog::logger>& lg) { lg->set_level(l); });
}

void setTimeSource(std::function<std::string()> now) { timeSource() = std::move(now); }

}  // namespace ftsim::log
