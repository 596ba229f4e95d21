#pragma once
// Hugging Face config.json files, read as published (unknown keys are ignored, required ones are
// not), and DeepSeek's own inference configs (inference/configs/config_*.json).

#include <string>

#include "kvsim/core/doc.h"
#include "kvsim/model/model_spec.h"

namespace kvsim::model {

/// `name` is used when the file carries no `_name_or_path`.
ModelSpec parse_hf_config(const core::Doc& doc, const std::string& name);

/// True for DeepSeek's inference-format configs (keys `dim`, `n_layers`, `n_heads`).
bool is_deepseek_inference_config(const core::Doc& doc);
ModelSpec parse_deepseek_config(const core::Doc& doc, const std::string& name);

}  // namespace kvsim::model
