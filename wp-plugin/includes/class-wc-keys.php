<?php
/**
 * Creates read/write WooCommerce REST API keys for Dockhand through WooCommerce itself.
 *
 * Uses WooCommerce's documented app-authentication endpoint, never its tables:
 * https://woocommerce.github.io/woocommerce-rest-api-docs/#rest-api-keys
 * The shop owner approves on WooCommerce's own screen; WooCommerce then POSTs the new keys as JSON
 * to our callback route and sends the browser back to the Dockhand page.
 *
 * @package Dockhand
 */

defined( 'ABSPATH' ) || exit;

/**
 * The "Create keys in WooCommerce" flow.
 */
class Dockhand_WC_Keys {

	/**
	 * Options store.
	 *
	 * @var Dockhand_Options
	 */
	private $options;

	/**
	 * Constructor.
	 *
	 * @param Dockhand_Options $options Options store.
	 */
	public function __construct( Dockhand_Options $options ) {
		$this->options = $options;
	}

	/**
	 * The REST route WooCommerce posts the keys to.
	 *
	 * @return string
	 */
	public function callback_url() {
		return rest_url( 'dockhand/v1/wc-keys/callback' );
	}

	/**
	 * WooCommerce only posts keys to an https:// callback ("The callback_url needs to be over SSL"),
	 * so on a plain-HTTP site the button would lead to an error page: say why instead.
	 *
	 * @return string|null Why the button can't work here, or null when it can.
	 */
	public function unavailable_reason() {
		if ( 0 !== stripos( $this->callback_url(), 'https://' ) ) {
			return __( 'WooCommerce only hands out keys to sites served over HTTPS. Create a Read/Write key under WooCommerce > Settings > Advanced > REST API and paste it here.', 'dockhand-for-woocommerce' );
		}
		return null;
	}

	/**
	 * Starts the flow: remembers a one-time state for this user and returns WooCommerce's
	 * authorize URL to send the browser to.
	 *
	 * @param int $user_id Current user.
	 * @return string
	 */
	public function authorize_url( $user_id ) {
		$state = wp_generate_password( 40, false, false );
		set_transient(
			Dockhand_Options::KEYS_STATE_TRANSIENT,
			array(
				'state_hash' => hash( 'sha256', $state ),
				'user_id'    => (int) $user_id,
			),
			15 * MINUTE_IN_SECONDS
		);
		$params = array(
			'app_name'     => 'Dockhand',
			'scope'        => 'read_write',
			'user_id'      => $state,
			'return_url'   => admin_url( 'admin.php?page=dockhand&dockhand_keys=returned' ),
			'callback_url' => $this->callback_url(),
		);
		return add_query_arg( array_map( 'rawurlencode', $params ), home_url( '/wc-auth/v1/authorize' ) );
	}

	/**
	 * Permission check of the callback: WooCommerce's server calls it without a cookie, so the
	 * one-time state we passed as user_id is the credential.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function check_callback( WP_REST_Request $request ) {
		$pending = get_transient( Dockhand_Options::KEYS_STATE_TRANSIENT );
		$state   = (string) $request->get_param( 'user_id' );
		if ( ! is_array( $pending ) || '' === $state || ! hash_equals( (string) $pending['state_hash'], hash( 'sha256', $state ) ) ) {
			return new WP_Error( 'dockhand_keys_state', __( 'No key request from Dockhand is pending, or it expired.', 'dockhand-for-woocommerce' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * Stores the keys WooCommerce created.
	 *
	 * @param WP_REST_Request $request Request with consumer_key, consumer_secret, key_permissions.
	 * @return WP_REST_Response|WP_Error
	 */
	public function receive( WP_REST_Request $request ) {
		$key         = sanitize_text_field( (string) $request->get_param( 'consumer_key' ) );
		$secret      = sanitize_text_field( (string) $request->get_param( 'consumer_secret' ) );
		$permissions = (string) $request->get_param( 'key_permissions' );
		if ( 0 !== strpos( $key, 'ck_' ) || 0 !== strpos( $secret, 'cs_' ) || 'read_write' !== $permissions ) {
			return new WP_Error( 'dockhand_keys_invalid', __( 'WooCommerce sent keys Dockhand can\'t use (read/write keys are needed).', 'dockhand-for-woocommerce' ), array( 'status' => 400 ) );
		}
		delete_transient( Dockhand_Options::KEYS_STATE_TRANSIENT );
		$this->options->set( Dockhand_Options::CONSUMER_KEY, $key );
		$this->options->set( Dockhand_Options::CONSUMER_SECRET, $secret );
		return new WP_REST_Response( array( 'received' => true ), 200 );
	}
}
