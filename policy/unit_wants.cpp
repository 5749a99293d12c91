#include "unit_wants.hpp"

#include <algorithm>

namespace multi6d {

UnitWants unit_wants(const std::vector<ApplicationConfig>& applications,
                     const std::vector<ApplicationChoice>& choices) {
    UnitWants wants;
    for (const ApplicationConfig& a : applications) {
        const auto choice = std::ranges::find(choices, a.name, &ApplicationChoice::application);
        UnitWant want{a.name, UnitAction::Generic, Address()};
        if (choice != choices.end()) {
            if (choice->path) {
                want.action = UnitAction::Bind;
                want.source = choice->source;
            } else if (choice->blocked) {
                want.action = UnitAction::Block;
            }
        }
        for (const std::string& unit : a.units) {
            wants.emplace(unit, want);  // the first application keeps it
        }
    }
    return wants;
}

}  // namespace multi6d
