#include "models/ddr/Ddr4ControllerConfig.h"

#include <optional>

#include "sim/config/ConfigNode.h"

namespace ftsim::models {

const char* toString(PagePolicy p) {
  switch (p) {
    case PagePolicy::Open: return "open";
    case PagePolicy::Closed: return "closed";
    case PagePolicy::OpenAdaptive: return "open_adaptive";
  }
  return "?";
}
const char* toString(Arbitration a) {
  switch (a) {
    case Arbitration::FrFcfs: return "fr_fcfs";
    case Arbitration::Fcfs: return "fcfs";
    case Arbitration::FrFcfsBankRoundRobin: return "fr_fcfs_bank_rr";
  }
  return "?";
}
const char* toString(RefreshPolicy r) {
  switch (r) {
    case RefreshPolicy::AllRank: return "all_rank";
    case RefreshPolicy::PerRankStaggered: return "per_rank_staggered";
    case RefreshPolicy::PerBank: return "per_bank";
  }
  return "?";
}

const char* toString(QueueStructure q) {
  switch (q) {
    case QueueStructure::Shared: return "shared";
    case QueueStructure::PerBank: return "per_bank";
  }
  return "?";
}

namespace {
/// The scheduler keeps one bit per bank in a 64-bit mask.
constexpr int kMaxBanks = 64;
std::string bankLimit(const Ddr4Config& d) {
  const int banks = d.ranks * d.banks();
  return banks > kMaxBanks ? "the controller handles at most " + std::to_string(kMaxBanks) +
                                 " banks (ranks x bank groups x banks per group = " + std::to_string(banks) + ")"
                           : "";
}
}  // namespace

Ddr4ControllerConfig Ddr4ControllerConfig::defaults(const Ddr4Config& device, const config::ConfigNode& deviceNode) {
  Ddr4ControllerConfig c;
  if (const std::string e = bankLimit(device); !e.empty()) deviceNode.fail(e);
  std::string error;
  c.mapping = AddressMapping::parse(c.addressMapping, device, error);
  if (!error.empty()) deviceNode.fail("the default memory.ddr4.address_mapping " + c.addressMapping + " " + error);
  return c;
}

Ddr4ControllerConfig Ddr4ControllerConfig::fromYaml(const config::ConfigNode& node, const Ddr4Config& device,
                                                    bool deviceValid) {
  Ddr4ControllerConfig c;
  if (const std::string e = bankLimit(device); !e.empty() && deviceValid) node.fail(e);
  c.addressMapping = node.getString("address_mapping", c.addressMapping);
  std::string error;
  if (deviceValid) c.mapping = AddressMapping::parse(c.addressMapping, device, error);
  if (!error.empty()) {
    if (node.has("address_mapping")) node.at("address_mapping").report(error);
    else node.fail("the default address_mapping " + c.addressMapping + " " + error);
  }
  const std::string page = node.getEnum("page_policy", "open", {"open", "closed", "open_adaptive"});
  c.pagePolicy = page == "open" ? PagePolicy::Open : page == "closed" ? PagePolicy::Closed : PagePolicy::OpenAdaptive;
  c.readQueueBursts = static_cast<int>(node.getInt("read_queue_bursts", c.readQueueBursts, 1, 256));
  c.writeQueueBursts = static_cast<int>(node.getInt("write_queue_bursts", c.writeQueueBursts, 1, 256));
  if (const std::optional<config::ConfigNode> q = node.find("queues")) {
    // `queues: {impl: shared | per_bank, ...}`: the keys of the structure
    // named; another structure's key is an unknown key.
    if (!q->isMap()) q->report("must be a map with an `impl:` key (shared or per_bank)");
    const std::string impl = q->getEnum("impl", "shared", {"shared", "per_bank"});
    for (const char* legacy : {"read_queue_bursts", "write_queue_bursts"}) {
      if (!node.has(legacy)) continue;
      const std::string key = std::string(legacy) == "read_queue_bursts" ? "read_bursts" : "write_bursts";
      if (impl != "shared")
        node.at(legacy).report("applies to the shared queues only (queues.impl is " + impl + ")");
      if (q->has(key)) node.at(legacy).report("given twice: also as queues." + key);
    }
    if (impl == "shared") {
      c.readQueueBursts = static_cast<int>(q->getInt("read_bursts", c.readQueueBursts, 1, 256));
      c.writeQueueBursts = static_cast<int>(q->getInt("write_bursts", c.writeQueueBursts, 1, 256));
    } else {
      c.queues = QueueStructure::PerBank;
      c.transactionQueueBursts =
          static_cast<int>(q->getInt("transaction_bursts", c.transactionQueueBursts, 1, 256));
      c.bankQueueBursts = static_cast<int>(q->getInt("bank_bursts", c.bankQueueBursts, 1, 64));
      // The write watermarks count the writes the bank queues hold, at most
      // every bank queue full of writes.
      const int most = c.bankQueueBursts * device.ranks * device.banks();
      c.writeQueueBursts = most;
    }
  }
  c.writeHighWatermarkBursts =
      static_cast<int>(node.getInt("write_high_watermark_bursts", c.writeHighWatermarkBursts, 1, 256));
  c.writeLowWatermarkBursts =
      static_cast<int>(node.getInt("write_low_watermark_bursts", c.writeLowWatermarkBursts, 0, 255));
  c.writeIdleDrainBursts =
      static_cast<int>(node.getInt("write_idle_drain_bursts", c.writeIdleDrainBursts, 1, 256));
  c.readForwarding = node.getBool("read_forwarding", c.readForwarding);
  c.fastPath = node.getBool("fast_path", c.fastPath);
  c.channels = static_cast<int>(node.getInt("channels", c.channels, 1, 64));
  c.channelInterleaveBytes = static_cast<std::uint64_t>(
      node.getInt("channel_interleave_bytes", static_cast<std::int64_t>(c.channelInterleaveBytes), 1, 1 << 30));
  if ((c.channelInterleaveBytes & (c.channelInterleaveBytes - 1)) != 0 ||
      (deviceValid && c.channelInterleaveBytes < device.burstBytes()))
    node.at("channel_interleave_bytes")
        .report("must be a power of two of at least one burst (" + std::to_string(device.burstBytes()) + " bytes)");
  const std::string arb = node.getEnum("arbitration", "fr_fcfs", {"fr_fcfs", "fr_fcfs_bank_rr", "fcfs"});
  c.arbitration = arb == "fcfs"      ? Arbitration::Fcfs
                  : arb == "fr_fcfs" ? Arbitration::FrFcfs
                                     : Arbitration::FrFcfsBankRoundRobin;
  c.rowHitCap = static_cast<int>(node.getInt("row_hit_cap", c.rowHitCap, 0, 1 << 20));
  if (c.rowHitCap > 0 && c.arbitration == Arbitration::Fcfs && !node.at("arbitration").failed())
    node.at("row_hit_cap").report("applies to FR-FCFS arbitration only (FCFS never serves a younger hit first)");
  const std::string refresh = node.getEnum("refresh", "all_rank", {"all_rank", "per_rank_staggered", "per_bank"});
  c.refresh = refresh == "all_rank"             ? RefreshPolicy::AllRank
              : refresh == "per_rank_staggered" ? RefreshPolicy::PerRankStaggered
                                                : RefreshPolicy::PerBank;
  if (c.refresh == RefreshPolicy::PerBank && !device.hasPerBankRefresh() && deviceValid)
    node.at("refresh").report(std::string("the device has no per-bank refresh command (standard: ") +
                            toString(device.standard) + "; LPDDR4 and HBM2 have one)");
  // Per-bank queues size the write queue from the device's banks.
  const bool queueKnown = deviceValid || c.queues != QueueStructure::PerBank;
  if (c.writeHighWatermarkBursts > c.writeQueueBursts && queueKnown)
    node.at("write_high_watermark_bursts")
        .report("must be <= write_queue_bursts (" + std::to_string(c.writeQueueBursts) + ")");
  if (c.writeIdleDrainBursts > c.writeQueueBursts && queueKnown)
    node.at("write_idle_drain_bursts")
        .report("must be <= write_queue_bursts (" + std::to_string(c.writeQueueBursts) + ")");
  if (c.writeLowWatermarkBursts >= c.writeHighWatermarkBursts &&
      !(node.has("write_high_watermark_bursts") && node.at("write_high_watermark_bursts").failed()))
    node.at("write_low_watermark_bursts")
        .report("must be < write_high_watermark_bursts (" + std::to_string(c.writeHighWatermarkBursts) + ")");
  return c;
}

}  // namespace ftsim::models
