// Umbrella header: RFC 6724 default address selection (policy table, scope,
// source selection, destination ordering).
#pragma once

#include "destination_ordering.hpp"  // IWYU pragma: export
#include "policy_table.hpp"          // IWYU pragma: export
#include "scope.hpp"                 // IWYU pragma: export
#include "source_selection.hpp"      // IWYU pragma: export
