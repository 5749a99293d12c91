// Resolves the users and groups of each [[application]] to uids
// (ApplicationConfig::uids) from the passwd and group databases (NSS), at
// start and at every reload; policy/ does no I/O.
//
// FIB rules match uids only (FRA_UID_RANGE), never gids, so a group stands
// for its members as the databases list them when the configuration is
// loaded: every user whose primary group it is (passwd) and every user the
// group lists (group). A user added to a group later is matched from the
// next reload on. An entry given as a decimal number is a uid (users) or
// gid (groups) whether or not the database knows it.
//
// An unknown user or group is a warning, not an error: the account may be
// created later (a package installed after multi6d), and one missing
// account must not take the policy of every other application and of the
// whole host down; the application matches the accounts that exist, and a
// reload picks up the rest.
#pragma once

#include <string>
#include <vector>

#include "config.hpp"

namespace multi6d {

// Fills `uids` of every application; returns one warning per unknown user
// or group, naming the application.
std::vector<std::string> resolve_application_accounts(std::vector<ApplicationConfig>& applications);

}  // namespace multi6d
