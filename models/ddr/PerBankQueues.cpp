#include "models/ddr/PerBankQueues.h"

namespace ftsim::models {

PerBankQueues::PerBankQueues(int transactionBursts, int bankBursts, int banks)
    : m_transactionCapacity(static_cast<std::uint32_t>(transactionBursts)),
      m_bankCapacity(static_cast<std::uint32_t>(bankBursts)),
      m_inBank(static_cast<std::size_t>(banks), 0) {}

std::uint32_t PerBankQueues::capacityBursts() const {
  return m_transactionCapacity + m_bankCapacity * static_cast<std::uint32_t>(m_inBank.size());
}

bool PerBankQueues::enqueue(std::int32_t entry, int dir, int bank) {
  ++m_count[dir];
  if (m_fifo.empty() && m_inBank[bank] < m_bankCapacity) {
    ++m_inBank[bank];
    return true;
  }
  m_fifo.push_back(Held{entry, bank});
  return false;
}

void PerBankQueues::retire(int dir, int bank, std::vector<std::int32_t>& released) {
  --m_count[dir];
  --m_inBank[bank];
  while (!m_fifo.empty() && m_inBank[m_fifo.front().bank] < m_bankCapacity) {
    ++m_inBank[m_fifo.front().bank];
    released.push_back(m_fifo.front().entry);
    m_fifo.pop_front();
  }
}

}  // namespace ftsim::models
