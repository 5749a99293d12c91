#include "loss_sprt.hpp"

#include <algorithm>

namespace multi6d {

LossTestParameters loss_test_parameters(unsigned degraded_percent) {
    LossTestParameters p;
    p.p1 = std::clamp(degraded_percent / 100.0, 0.01, 0.99);
    p.p0 = p.p1 / 4;
    return p;
}

LossSprt::LossSprt(const LossTestParameters& parameters)
    : parameters_(parameters),
      loss_factor_(parameters.p1 / parameters.p0),
      reply_factor_((1 - parameters.p1) / (1 - parameters.p0)),
      // Wald's approximate bounds (Wald 1945, §3.2).
      upper_((1 - parameters.beta) / parameters.alpha),
      lower_(parameters.beta / (1 - parameters.alpha)) {}

LossSprt::Verdict LossSprt::add(bool lost) {
    ratio_ *= lost ? loss_factor_ : reply_factor_;
    ++samples_;
    losses_ += lost ? 1 : 0;
    Verdict verdict = Verdict::Continue;
    if (ratio_ >= upper_) {
        verdict = Verdict::Lossy;
    } else if (ratio_ <= lower_) {
        verdict = Verdict::Acceptable;
    }
    if (verdict != Verdict::Continue) {
        ratio_ = 1;
        samples_ = 0;
        losses_ = 0;
    }
    return verdict;
}

}  // namespace multi6d
