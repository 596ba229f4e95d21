#pragma once
// Our model YAML (scenarios/models/*.yaml). Schema in scenarios/models/README.md.

#include "kvsim/core/doc.h"
#include "kvsim/model/model_spec.h"

namespace kvsim::model {

ModelSpec parse_model_yaml(const core::Doc& doc);

}  // namespace kvsim::model
