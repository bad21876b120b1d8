// Progressive enhancement for the simulated app: the total follows the chosen shipping
// method, and choosing another address fetches its shipping methods. Everything also
// works without this script.
document.addEventListener('change', (event) => {
  const input = event.target;
  if (input.name === 'shippingMethodId') {
    const total = document.getElementById('total-amount');
    if (total && input.dataset.total) total.textContent = input.dataset.total;
  }
  if (input.name === 'addressId') {
    const update = document.getElementById('update-address');
    if (update) update.click();
  }
});
