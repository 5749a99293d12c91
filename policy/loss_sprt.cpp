#include "loss_sprt.hpp"

#include <algorithm>
#include <cmath>

namespace multi6d {

LossTestParameters loss_test_parameters(unsigned degraded_percent) {
    LossTestParameters p;
    p.p1 = std::clamp(degraded_percent / 100.0, 0.01, 0.99);
    p.p0 = p.p1 / 4;
    return p;
}

LossSprt::LossSprt(const LossTestParameters& parameters)
    : parameters_(parameters),
      loss_weight_(std::log(parameters.p1 / parameters.p0)),
      reply_weight_(std::log((1 - parameters.p1) / (1 - parameters.p0))),
      // Wald's approximate bounds (Wald 1945, §3.2).
      upper_(std::log((1 - parameters.beta) / parameters.alpha)),
      lower_(std::log(parameters.beta / (1 - parameters.alpha))) {}

LossSprt::Verdict LossSprt::add(bool lost) {
    sum_ += lost ? loss_weight_ : reply_weight_;
    ++samples_;
    losses_ += lost ? 1 : 0;
    Verdict verdict = Verdict::Continue;
    if (sum_ >= upper_) {
        verdict = Verdict::Lossy;
    } else if (sum_ <= lower_) {
        verdict = Verdict::Acceptable;
    }
    if (verdict != Verdict::Continue) {
        sum_ = 0;
        samples_ = 0;
        losses_ = 0;
    }
    return verdict;
}

}  // namespace multi6d
