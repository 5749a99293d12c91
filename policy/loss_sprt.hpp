// A sequential test on a path's loss rate (Wald's SPRT, repeated): decides
// "this path loses too much" or "its loss is acceptable" from as few probe
// outcomes as the evidence needs, instead of a fixed window (DESIGN §3.4,
// issue 14 item 2). Pure: outcomes in, verdicts out.
//
// Hypotheses on the per-probe loss probability p (a probe is lost when the
// request or the reply is: 2 % loss per direction is p = 1 − 0.98² = 3.96 %):
//   H0: p = p0 (acceptable)   H1: p = p1 (lossy)
// Each outcome adds its log-likelihood ratio to the sum S:
//   loss  + ln(p1 / p0)             (+1.386 at the defaults)
//   reply + ln((1 − p1) / (1 − p0)) (−0.172 at the defaults)
// and the test ends when S ≥ A = ln((1 − β) / α) (accept H1: lossy) or
// S ≤ B = ln(β / (1 − α)) (accept H0: acceptable), Wald's bounds, so that a
// path at p0 is called lossy with probability ≤ α per test and a path at
// p1 called acceptable with probability ≤ β. After either verdict the next
// test starts from S = 0: the test runs for the path's whole life, one
// test after the other, so the per-test α is not the false-alarm rate over
// minutes; that is measured below.
//
// Computed in Wald's likelihood-ratio form, the same test since ln is
// monotone: the ratio Λ = e^S is multiplied by p1 / p0 or
// (1 − p1) / (1 − p0) and compared with e^A and e^B, which needs no
// logarithm. std::log was the daemon's only call into libm, and its first
// call kept about 190 KiB more of libm mapped (issue 14, footprint). Λ
// stays within [e^B × (1 − p1) / (1 − p0), e^A × p1 / p0] during a test,
// far from overflow and underflow.
//
// Parameters (kLossTest*): p1 is the configured degraded_loss_percent
// (default 20 %), p0 = p1 / 4 (5 %), α = 1e-4, β = 1e-2 (A = 9.20,
// B = −4.61). What they give (tests/unit/test_loss_sprt.cpp, seeded
// Bernoulli streams, exact at these parameters):
// * 2 % loss per direction (p = 3.96 %): a false "lossy" verdict in 14 of
//   100000 seeded runs of 720 probes (3 minutes at 4 probes/s), 5 of
//   100000 runs of 480 probes (2 minutes); the unit test asserts at most 3
//   of 10000 runs of 720 (measured: 1).
// * 40 % loss per direction (p = 64 %): lossy after a median of 12 probes,
//   ≤ 22 in 99 % of 1000 seeded runs (the test asserts ≤ 24), max 25;
//   40 % per probe: median 21, p99 45 (asserted ≤ 48).
// * no loss after a lossy verdict: acceptable again after 27 replies in a
//   row (B / −0.172), ~7 s at 4 probes/s.
#pragma once

#include <cstdint>

namespace multi6d {

struct LossTestParameters {
    double p0 = 0.05;     // acceptable loss per probe (H0)
    double p1 = 0.20;     // lossy (H1)
    double alpha = 1e-4;  // P(lossy | p0), per test
    double beta = 1e-2;   // P(acceptable | p1), per test
};

// The parameters for a path whose degraded threshold is `degraded_percent`
// (1-100; p1 is capped at 0.99 so that a reply keeps a finite weight).
LossTestParameters loss_test_parameters(unsigned degraded_percent);

class LossSprt {
  public:
    enum class Verdict { Continue, Acceptable, Lossy };

    explicit LossSprt(const LossTestParameters& parameters = {});

    // One probe outcome. A verdict ends the current test; the next outcome
    // starts a new one from S = 0 (Λ = 1).
    Verdict add(bool lost);

    // The current test's likelihood ratio Λ = e^S and its bounds e^A, e^B.
    double ratio() const { return ratio_; }
    double upper() const { return upper_; }
    double lower() const { return lower_; }
    // Outcomes and losses in the current test.
    std::uint32_t samples() const { return samples_; }
    std::uint32_t losses() const { return losses_; }
    const LossTestParameters& parameters() const { return parameters_; }

  private:
    LossTestParameters parameters_;
    double loss_factor_;
    double reply_factor_;
    double upper_;
    double lower_;
    double ratio_ = 1;
    std::uint32_t samples_ = 0;
    std::uint32_t losses_ = 0;
};

}  // namespace multi6d
