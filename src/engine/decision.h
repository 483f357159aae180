// Decision: the answer to "does principal P hold role R (or permission A) at scope S at time T".
#pragma once

#include <string>

namespace pim {

struct Decision {
  bool allowed = false;
  std::string schedule_id;   // the assignment schedule that grants it
  std::string via_group_id;  // set when held through group membership
  std::string role_definition_id;
};

}  // namespace pim
