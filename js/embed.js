// The script-tag entry: <script type="module" src=".../embed.js"></script> defines
// <vipps-checkout> and <vipps-checkout-return>.
import { defineElements } from './index.js';

defineElements();
