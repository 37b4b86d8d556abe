int run_app();

int main() {
  return run_app();
}
