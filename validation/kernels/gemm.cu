// GEMM through cuBLASLt: C[m][n] = A[m][k] x W[n][k]^T, row-major, bf16 output, fp32 accumulate.
// In cuBLAS's column-major terms this is C^T (n x m) = op_T(W) (n x k) x A^T (k x m): the "TN"
// layout that fp8 (e4m3) matmuls require on Hopper. The algorithm is cuBLASLt's first heuristic
// choice for the shape with a 32 MiB workspace, as a framework would get it.

#include <cublasLt.h>

#include <cstdio>

#include "kernels.h"

namespace kvbench::cuda {
namespace {

void check_blas(cublasStatus_t st, const char* call, const char* file, int line) {
  if (st == CUBLAS_STATUS_SUCCESS) return;
  char what[64];
  std::snprintf(what, sizeof what, "cuBLAS status %d", static_cast<int>(st));
  fail(what, call, file, line);
}

#define KVB_BLAS(call) check_blas((call), #call, __FILE__, __LINE__)

}  // namespace

struct Gemm::Impl {
  cublasLtHandle_t handle = nullptr;
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
  cublasLtMatmulPreference_t pref = nullptr;
  cublasLtMatmulHeuristicResult_t algo{};
  void* workspace = nullptr;
  size_t workspace_bytes = 0;

  void release() {
    if (pref) cublasLtMatmulPreferenceDestroy(pref);
    if (c) cublasLtMatrixLayoutDestroy(c);
    if (b) cublasLtMatrixLayoutDestroy(b);
    if (a) cublasLtMatrixLayoutDestroy(a);
    if (desc) cublasLtMatmulDescDestroy(desc);
    pref = nullptr;
    c = b = a = nullptr;
    desc = nullptr;
  }
};

Gemm::Gemm() : impl_(std::make_unique<Impl>()) {
  KVB_BLAS(cublasLtCreate(&impl_->handle));
}

Gemm::~Gemm() {
  impl_->release();
  if (impl_->handle) cublasLtDestroy(impl_->handle);
}

bool Gemm::prepare(const GemmShape& g, void* workspace, size_t workspace_bytes, std::string* why) {
  Impl& x = *impl_;
  x.release();
  x.workspace = workspace;
  x.workspace_bytes = workspace_bytes;
  const cudaDataType_t in = g.type == GemmType::bf16 ? CUDA_R_16BF : CUDA_R_8F_E4M3;
  KVB_BLAS(cublasLtMatmulDescCreate(&x.desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  const cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
  KVB_BLAS(cublasLtMatmulDescSetAttribute(x.desc, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta));
  KVB_BLAS(cublasLtMatmulDescSetAttribute(x.desc, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb));
  const uint64_t m = static_cast<uint64_t>(g.m), n = static_cast<uint64_t>(g.n),
                 k = static_cast<uint64_t>(g.k);
  KVB_BLAS(cublasLtMatrixLayoutCreate(&x.a, in, k, n, static_cast<int64_t>(k)));  // W^T stored
  KVB_BLAS(cublasLtMatrixLayoutCreate(&x.b, in, k, m, static_cast<int64_t>(k)));  // A^T stored
  KVB_BLAS(cublasLtMatrixLayoutCreate(&x.c, CUDA_R_16BF, n, m, static_cast<int64_t>(n)));
  KVB_BLAS(cublasLtMatmulPreferenceCreate(&x.pref));
  KVB_BLAS(cublasLtMatmulPreferenceSetAttribute(x.pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                &workspace_bytes, sizeof workspace_bytes));
  int found = 0;
  const cublasStatus_t st = cublasLtMatmulAlgoGetHeuristic(x.handle, x.desc, x.a, x.b, x.c, x.c,
                                                           x.pref, 1, &x.algo, &found);
  if (st != CUBLAS_STATUS_SUCCESS || found == 0) {
    if (why) {
      *why = st != CUBLAS_STATUS_SUCCESS
                 ? "cublasLtMatmulAlgoGetHeuristic status " + std::to_string(static_cast<int>(st))
                 : "cuBLASLt has no algorithm for this shape";
    }
    return false;
  }
  return true;
}

void Gemm::run(const void* a, const void* w, uint16_t* c, cudaStream_t stream) {
  Impl& x = *impl_;
  const float alpha = 1.0f, beta = 0.0f;
  KVB_BLAS(cublasLtMatmul(x.handle, x.desc, &alpha, w, x.a, a, x.b, &beta, c, x.c, c, x.c,
                          &x.algo.algo, x.workspace, x.workspace_bytes, stream));
}

}  // namespace kvbench::cuda
